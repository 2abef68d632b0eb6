// check_history on synthetic histories: a clean run passes, and each kind of
// violation (lost acknowledged write, lost update, timestamp going backwards,
// divergent node, value from a failed write, invented value) is found and
// described with the operation and the node.
#include "tests/history_checker.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ratchet::testing {
namespace {

const char* const kN0 = "http://127.0.0.1:8888/v1";
const char* const kN1 = "http://127.0.0.1:8889/v1";
const char* const kN2 = "http://127.0.0.1:8890/v1";

// Builds a history of writes to records of b/c; each added op runs after the
// previous one completed unless its times are changed.
class Script {
 public:
  void create(const std::string& rec, const std::string& value, Outcome outcome, int64_t ts = 0) {
    add(OpKind::kCreate, rec, 0, value, outcome, ts);
  }
  void update(const std::string& rec, int64_t etag, const std::string& value, Outcome outcome,
              int64_t ts = 0) {
    add(OpKind::kUpdate, rec, etag, value, outcome, ts);
  }
  void remove(const std::string& rec, int64_t etag, Outcome outcome, int64_t ts = 0) {
    add(OpKind::kDelete, rec, etag, "", outcome, ts);
  }
  std::vector<Operation> ops;

 private:
  void add(OpKind kind, const std::string& rec, int64_t etag, const std::string& value,
           Outcome outcome, int64_t ts) {
    Operation op;
    op.client = static_cast<int>(ops.size() % 3);
    op.bucket = "b";
    op.collection = "c";
    op.record = rec;
    op.kind = kind;
    op.if_match = etag;
    op.value = value;
    op.invoke_us = clock_ += 10;
    op.complete_us = clock_ += 10;
    op.node = ops.size() % 2 ? kN1 : kN0;
    op.outcome = outcome;
    op.status = outcome == Outcome::kOk ? 200 : outcome == Outcome::kFailed ? 412 : 503;
    op.last_modified = ts;
    ops.push_back(op);
  }
  int64_t clock_ = 1000;
};

using Records = std::map<std::string, RecordState>;

NodeState node(const std::string& url, const Records& records, int64_t list_ts) {
  NodeState n;
  n.node = url;
  n.collections["b/c"] = CollectionState{list_ts, records};
  return n;
}

std::vector<NodeState> all_nodes(const Records& records, int64_t list_ts) {
  return {node(kN0, records, list_ts), node(kN1, records, list_ts), node(kN2, records, list_ts)};
}

// The violations of one kind, and whether one of them mentions every `part`.
::testing::AssertionResult Reports(const CheckReport& report, Check check,
                                   std::vector<std::string> parts) {
  for (const Violation& v : report.violations) {
    if (v.check != check) continue;
    bool all = true;
    for (const std::string& p : parts) all = all && v.description.find(p) != std::string::npos;
    if (all) return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "no " << check_name(check) << " violation naming all of "
                                       << ::testing::PrintToString(parts) << " in:\n"
                                       << report.summary();
}

// A history exercising every kind of write, failures and unknown outcomes.
Script clean_script() {
  Script s;
  s.create("r1", "a", Outcome::kOk, 10);             // #0
  s.update("r1", 10, "b", Outcome::kOk, 11);         // #1
  s.update("r1", 10, "x", Outcome::kFailed);         // #2: 412, stale etag
  s.create("r2", "c", Outcome::kOk, 12);             // #3
  s.create("r2", "y", Outcome::kFailed);             // #4: 412, exists
  s.remove("r2", 12, Outcome::kOk, 13);              // #5
  s.create("r2", "d", Outcome::kOk, 14);             // #6
  s.update("r1", 11, "e", Outcome::kUnknown);        // #7: 503, did not happen
  s.create("r3", "f", Outcome::kUnknown);            // #8: timed out, happened (ts 15)
  s.update("r3", 15, "g", Outcome::kOk, 16);         // #9: read the version #8 made
  s.remove("r1", 999, Outcome::kFailed);             // #10: 412
  return s;
}

Records clean_records() {
  return {{"r1", {11, "b"}}, {"r2", {14, "d"}}, {"r3", {16, "g"}}};
}

TEST(HistoryChecker, CleanHistoryPasses) {
  Script s = clean_script();
  CheckReport report = check_history(s.ops, all_nodes(clean_records(), 16));
  EXPECT_TRUE(report.clean()) << report.summary();
  EXPECT_EQ(report.of(OpKind::kCreate).ok, 3u);
  EXPECT_EQ(report.of(OpKind::kCreate).failed, 1u);
  EXPECT_EQ(report.of(OpKind::kCreate).unknown, 1u);
  EXPECT_EQ(report.of(OpKind::kUpdate).ok, 2u);
  EXPECT_EQ(report.of(OpKind::kUpdate).failed, 1u);
  EXPECT_EQ(report.of(OpKind::kUpdate).unknown, 1u);
  EXPECT_EQ(report.of(OpKind::kDelete).ok, 1u);
  EXPECT_EQ(report.of(OpKind::kDelete).failed, 1u);
  EXPECT_NE(report.summary().find("create: 3 ok, 1 failed, 1 unknown"), std::string::npos)
      << report.summary();
}

TEST(HistoryChecker, ConcurrentWritesMayCommitInEitherOrder) {
  Script s;
  s.create("r1", "a", Outcome::kOk, 20);
  s.create("r2", "b", Outcome::kOk, 19);
  s.ops[1].invoke_us = s.ops[0].invoke_us + 1;  // overlaps #0: either order is linearizable
  CheckReport report = check_history(s.ops, all_nodes({{"r1", {20, "a"}}, {"r2", {19, "b"}}}, 20));
  EXPECT_TRUE(report.clean()) << report.summary();
}

TEST(HistoryChecker, UnknownDeleteExplainsAnAbsentRecord) {
  Script s;
  s.create("r1", "a", Outcome::kOk, 10);
  s.remove("r1", 10, Outcome::kUnknown);
  CheckReport report = check_history(s.ops, all_nodes({}, 11));
  EXPECT_TRUE(report.clean()) << report.summary();
}

TEST(HistoryChecker, LostAcknowledgedWriteIsReported) {
  Script s = clean_script();
  std::vector<NodeState> nodes = all_nodes(clean_records(), 16);
  nodes[2].collections["b/c"].records["r1"] = {10, "a"};  // #1 (ts 11) lost on node 2
  CheckReport report = check_history(s.ops, nodes);
  EXPECT_FALSE(report.clean());
  EXPECT_TRUE(Reports(report, Check::kDurability, {"acknowledged write lost", "#1 ", kN2}));
  EXPECT_TRUE(Reports(report, Check::kConvergence, {"b/c/r1", kN0, kN2}));
  EXPECT_EQ(report.count(Check::kDurability), 1u) << report.summary();
}

TEST(HistoryChecker, AbsentRecordWithoutADeleteIsALostWrite) {
  Script s = clean_script();
  Records records = clean_records();
  records.erase("r3");
  CheckReport report = check_history(s.ops, all_nodes(records, 16));
  EXPECT_TRUE(Reports(report, Check::kDurability, {"record absent", "#9 ", kN0}));
  EXPECT_TRUE(Reports(report, Check::kDurability, {"record absent", "#9 ", kN1}));
  EXPECT_EQ(report.count(Check::kDurability), 3u) << report.summary();
}

TEST(HistoryChecker, LostAcknowledgedDeleteIsReported) {
  Script s;
  s.create("r1", "a", Outcome::kOk, 10);
  s.remove("r1", 10, Outcome::kOk, 11);
  CheckReport report = check_history(s.ops, all_nodes({{"r1", {10, "a"}}}, 11));
  EXPECT_TRUE(Reports(report, Check::kDurability, {"acknowledged delete lost", "#1 ", kN0}));
}

TEST(HistoryChecker, TwoAcknowledgedWritesOnOneEtagAreALostUpdate) {
  Script s;
  s.create("r1", "a", Outcome::kOk, 10);       // #0
  s.update("r1", 10, "b", Outcome::kOk, 11);   // #1
  s.update("r1", 10, "c", Outcome::kOk, 12);   // #2: also replaced version 10
  CheckReport report = check_history(s.ops, all_nodes({{"r1", {12, "c"}}}, 12));
  EXPECT_TRUE(Reports(report, Check::kLostUpdate,
                      {"two acknowledged writes replaced version 10", "#1 ", "#2 "}));
  EXPECT_EQ(report.count(Check::kDurability), 0u) << report.summary();
}

TEST(HistoryChecker, OverwritingAnAcknowledgedVersionIsALostUpdate) {
  Script s;
  s.create("r1", "a", Outcome::kOk, 10);       // #0
  s.update("r1", 10, "b", Outcome::kUnknown);  // #1: happened at 11
  s.update("r1", 11, "c", Outcome::kOk, 12);   // #2
  s.update("r1", 10, "d", Outcome::kOk, 13);   // #3: If-Match 10, yet #2 came between
  CheckReport report = check_history(s.ops, all_nodes({{"r1", {13, "d"}}}, 13));
  EXPECT_TRUE(Reports(report, Check::kLostUpdate, {"silently overwriting", "#3 ", "#2 "}));
  EXPECT_EQ(report.count(Check::kLostUpdate), 1u) << report.summary();
}

TEST(HistoryChecker, CreateOverALiveRecordIsReported) {
  Script s;
  s.create("r1", "a", Outcome::kOk, 10);
  s.create("r1", "b", Outcome::kOk, 11);
  CheckReport report = check_history(s.ops, all_nodes({{"r1", {11, "b"}}}, 11));
  EXPECT_TRUE(Reports(report, Check::kLostUpdate, {"create acknowledged while the record existed",
                                                   "#1 ", "#0 "}));
}

TEST(HistoryChecker, IfMatchOnAVersionNobodyWroteIsReported) {
  Script s;
  s.update("r1", 7, "b", Outcome::kOk, 11);  // no write made version 7
  CheckReport report = check_history(s.ops, all_nodes({{"r1", {11, "b"}}}, 11));
  EXPECT_TRUE(Reports(report, Check::kLostUpdate, {"names a version no write", "#0 "}));
}

TEST(HistoryChecker, TimestampGoingBackwardsIsReported) {
  Script s;
  s.create("r1", "a", Outcome::kOk, 20);  // #0 completes before #1 is sent
  s.create("r2", "b", Outcome::kOk, 15);  // #1
  CheckReport report = check_history(s.ops, all_nodes({{"r1", {20, "a"}}, {"r2", {15, "b"}}}, 20));
  EXPECT_TRUE(Reports(report, Check::kTimestamps, {"went backwards", "#1 ", "#0 "}));
  EXPECT_EQ(report.count(Check::kTimestamps), 1u) << report.summary();
}

TEST(HistoryChecker, UnknownWriteRevealedBelowAnEarlierAckIsReported) {
  Script s;
  s.create("r1", "a", Outcome::kOk, 20);  // #0
  s.create("r2", "b", Outcome::kUnknown);  // #1: applied, the final state says, at 15
  CheckReport report = check_history(s.ops, all_nodes({{"r1", {20, "a"}}, {"r2", {15, "b"}}}, 20));
  EXPECT_TRUE(Reports(report, Check::kTimestamps, {"went backwards", "#1 ", "#0 ", kN0}));
}

TEST(HistoryChecker, DuplicateTimestampsAreReported) {
  Script s;
  s.create("r1", "a", Outcome::kOk, 20);
  s.create("r2", "b", Outcome::kOk, 20);
  s.ops[1].invoke_us = s.ops[0].invoke_us;  // concurrent: only the duplicate is wrong
  CheckReport report = check_history(s.ops, all_nodes({{"r1", {20, "a"}}, {"r2", {20, "b"}}}, 20));
  EXPECT_TRUE(Reports(report, Check::kTimestamps, {"share timestamp 20", "#0 ", "#1 "}));
  EXPECT_TRUE(Reports(report, Check::kTimestamps, {"on " + std::string(kN0), "share timestamp"}));
}

TEST(HistoryChecker, ListTimestampBelowAnAcknowledgedWriteIsReported) {
  Script s;
  s.create("r1", "a", Outcome::kOk, 10);
  s.remove("r1", 10, Outcome::kOk, 11);
  CheckReport report = check_history(s.ops, all_nodes({}, 10));
  EXPECT_TRUE(Reports(report, Check::kTimestamps, {"list timestamp 10", "#1 ", kN0}));
}

TEST(HistoryChecker, DivergentNodeIsReported) {
  Script s = clean_script();
  std::vector<NodeState> nodes = all_nodes(clean_records(), 16);
  nodes[1].collections["b/c"].timestamp = 17;
  nodes[1].collections["b/c"].records.erase("r2");
  CheckReport report = check_history(s.ops, nodes);
  EXPECT_TRUE(Reports(report, Check::kConvergence, {"list timestamp of b/c", "16", "17", kN1}));
  EXPECT_TRUE(Reports(report, Check::kConvergence,
                      {"record b/c/r2 differs", "ts 14 value \"d\" on " + std::string(kN0),
                       "absent on " + std::string(kN1)}));
  EXPECT_TRUE(Reports(report, Check::kDurability, {"#6 ", kN1}));
}

TEST(HistoryChecker, UnreadableNodeIsReported) {
  Script s = clean_script();
  std::vector<NodeState> nodes = all_nodes(clean_records(), 16);
  nodes[2].collections.clear();
  nodes[2].error = "Connection";
  CheckReport report = check_history(s.ops, nodes);
  EXPECT_TRUE(Reports(report, Check::kConvergence, {"could not be read", kN2}));
  EXPECT_EQ(report.violations.size(), 1u) << report.summary();
}

TEST(HistoryChecker, ValueFromAFailedWriteIsReported) {
  Script s = clean_script();
  std::vector<NodeState> nodes = all_nodes(clean_records(), 17);
  for (NodeState& n : nodes) n.collections["b/c"].records["r1"] = {17, "x"};  // #2 got 412
  CheckReport report = check_history(s.ops, nodes);
  EXPECT_TRUE(Reports(report, Check::kOrigin, {"value of a failed write", "#2 ", kN0}));
  EXPECT_EQ(report.count(Check::kDurability), 0u) << report.summary();
}

TEST(HistoryChecker, InventedValueIsReported) {
  Script s = clean_script();
  std::vector<NodeState> nodes = all_nodes(clean_records(), 17);
  for (NodeState& n : nodes) n.collections["b/c"].records["r1"] = {17, "zz"};
  nodes[0].collections["b/c"].records["r9"] = {15, "q"};
  CheckReport report = check_history(s.ops, nodes);
  EXPECT_TRUE(Reports(report, Check::kOrigin, {"b/c/r1", "no write of the history", kN1}));
  EXPECT_TRUE(Reports(report, Check::kOrigin, {"b/c/r9", "never wrote this record", kN0}));
}

TEST(HistoryChecker, AcknowledgedValueUnderAnotherTimestampIsReported) {
  Script s;
  s.create("r1", "a", Outcome::kOk, 10);
  CheckReport report = check_history(s.ops, all_nodes({{"r1", {12, "a"}}}, 12));
  EXPECT_TRUE(Reports(report, Check::kOrigin, {"acknowledged with another timestamp", "#0 "}));
}

}  // namespace
}  // namespace ratchet::testing
