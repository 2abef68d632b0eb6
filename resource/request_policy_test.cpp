// The request policy: first_refusal calls its steps in order and stops at the
// first refusal (the frontend's error answered between parent and target);
// the §5.2 precondition matrix; the §2.4 client-timestamp rule.
#include "resource/request_policy.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/timestamp.h"
#include "tests/node_ops.h"

namespace ratchet {
namespace {

using testing::node_op;

const char* const kSteps[] = {"permission", "parent", "target", "preconditions", "hook"};

// Runs first_refusal with steps that record their call and refuse (with the
// status 470 + their index) when their name is `refusing`.
struct Steps {
  std::vector<std::string> called;
  Refusal result;
};
Steps run(const Op& op, const std::string& refusing) {
  Steps out;
  auto step = [&](int index) {
    return [&out, &refusing, index]() -> Refusal {
      out.called.push_back(kSteps[index]);
      if (refusing != kSteps[index]) return pass();
      Result r;
      r.status = 470 + index;
      return r;
    };
  };
  out.result = first_refusal(op, step(0), step(1), step(2), step(3), step(4));
  return out;
}

TEST(RequestPolicyTest, StepsRunInOrderUntilTheFirstRefusal) {
  Op op = node_op(kGet, "record", "/buckets/b/collections/c", "r");
  Steps all = run(op, "");
  EXPECT_FALSE(all.result);
  EXPECT_EQ(all.called, (std::vector<std::string>(std::begin(kSteps), std::end(kSteps))));
  for (int i = 0; i < 5; ++i) {
    Steps r = run(op, kSteps[i]);
    ASSERT_TRUE(r.result) << kSteps[i];
    EXPECT_EQ(r.result->status, 470 + i);
    EXPECT_EQ(r.called, (std::vector<std::string>(kSteps, kSteps + i + 1)));
  }
}

TEST(RequestPolicyTest, TheRequestErrorAnswersBetweenParentAndTarget) {
  Op op = node_op(kPut, "record", "/buckets/b/collections/c", "r");
  op.has_error = true;
  op.error = errors::invalid("body", "data", "bad");
  Steps r = run(op, "");
  ASSERT_TRUE(r.result);
  EXPECT_EQ(r.result->status, 400);
  EXPECT_EQ(r.result->errno_, kInvalidParameters);
  EXPECT_EQ(r.called, (std::vector<std::string>{"permission", "parent"}));
  // Refusals before it win over it.
  Steps denied = run(op, "permission");
  EXPECT_EQ(denied.result->status, 470);
  Steps orphan = run(op, "parent");
  EXPECT_EQ(orphan.result->status, 471);
  EXPECT_EQ(orphan.called, (std::vector<std::string>{"permission", "parent"}));
}

TEST(RequestPolicyTest, RefusalsOfTheSteps) {
  Op op = node_op(kGet, "record", "/buckets/b/collections/c", "r");
  EXPECT_FALSE(permission(true, op));
  ASSERT_TRUE(permission(false, op));
  EXPECT_EQ(permission(false, op)->status, 403);
  Op anonymous = op;
  anonymous.user_id.clear();
  EXPECT_EQ(permission(false, anonymous)->status, 401);
  EXPECT_EQ(denied(anonymous).status, 401);

  ResourceType records;
  records.name = "record";
  records.plural = "records";
  records.parent = "collection";
  Result orphan = parent_missing(records, "/buckets/b/collections/c");
  EXPECT_EQ(orphan.status, 404);
  EXPECT_EQ(orphan.errno_, kMissingResource);
  EXPECT_FALSE(missing_object(op, records, true));
  ASSERT_TRUE(missing_object(op, records, false));
  EXPECT_EQ(missing_object(op, records, false)->status, 404);
}

Precondition value(int64_t v) { return {Precondition::kValue, v}; }
const Precondition kAny{Precondition::kAny, 0};

// The status check_preconditions answers, 0 for none.
int status(const Precondition& if_match, const Precondition& if_none_match, bool read,
           bool exists, int64_t ts = 100) {
  Op op = node_op(read ? kGet : kPut, "record", "/buckets/b/collections/c", "r");
  op.if_match = if_match;
  op.if_none_match = if_none_match;
  Refusal r = check_preconditions(op, read, PreconditionTarget{exists, ts, ""});
  return r ? r->status : 0;
}

TEST(RequestPolicyTest, PreconditionMatrix) {
  const Precondition none;
  // No headers: nothing, whatever the target.
  for (bool read : {true, false}) {
    for (bool exists : {true, false}) EXPECT_EQ(status(none, none, read, exists), 0);
  }
  // If-None-Match with the current value: 304 on reads only.
  EXPECT_EQ(status(none, value(100), true, true), 304);
  EXPECT_EQ(status(none, value(99), true, true), 0);
  EXPECT_EQ(status(none, value(100), false, true), 0);
  // If-None-Match: * refuses an existing target, reads included.
  EXPECT_EQ(status(none, kAny, false, true), 412);
  EXPECT_EQ(status(none, kAny, true, true), 412);
  EXPECT_EQ(status(none, kAny, false, false), 0);
  // If-Match with a value: refused unless it is the current one.
  EXPECT_EQ(status(value(99), none, false, true), 412);
  EXPECT_EQ(status(value(101), none, true, true), 412);
  EXPECT_EQ(status(value(100), none, false, true), 0);
  EXPECT_EQ(status(kAny, none, false, true), 0);
  // If-Match on a missing target: refused, even naming its list's timestamp.
  EXPECT_EQ(status(value(100), none, false, false), 412);
  EXPECT_EQ(status(value(5), none, false, false), 412);
  EXPECT_EQ(status(kAny, none, false, false), 412);
  // On a read, a 304 comes before If-Match.
  EXPECT_EQ(status(value(1), value(100), true, true), 304);
}

TEST(RequestPolicyTest, RefusedPreconditionsCarryTheTimestampAndTheObject) {
  Op op = node_op(kPut, "record", "/buckets/b/collections/c", "r");
  op.if_match = value(7);
  const std::string shown = R"({"id":"r","last_modified":42})";
  Refusal r = check_preconditions(op, false, PreconditionTarget{true, 42, shown});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 412);
  EXPECT_EQ(r->errno_, kModifiedMeanwhile);
  EXPECT_EQ(r->timestamp, 42);
  EXPECT_NE(r->body.find(R"("existing":{"id":"r","last_modified":42})"), std::string::npos)
      << r->body;

  Refusal bare = check_preconditions(op, false, PreconditionTarget{false, 9, ""});
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->timestamp, 9);
  EXPECT_EQ(bare->body.find("existing"), std::string::npos) << bare->body;

  Op get = node_op(kGet, "record", "/buckets/b/collections/c", "");
  get.if_none_match = value(42);
  Refusal unchanged = check_preconditions(get, true, PreconditionTarget{true, 42, ""});
  ASSERT_TRUE(unchanged);
  EXPECT_EQ(unchanged->status, 304);
  EXPECT_EQ(unchanged->timestamp, 42);
  EXPECT_TRUE(unchanged->body.empty());
}

TEST(RequestPolicyTest, KeptClientTimestamp) {
  const int64_t hour = 3600 * 1000;
  const int64_t now = now_ms();
  EXPECT_EQ(kept_client_timestamp(std::nullopt, false, 0), std::nullopt);
  EXPECT_EQ(kept_client_timestamp(std::nullopt, true, 5), std::nullopt);
  // A new object keeps any acceptable value, older than the list or not.
  EXPECT_EQ(kept_client_timestamp(1000, false, 5000), 1000);
  EXPECT_EQ(kept_client_timestamp(0, false, 0), 0);
  EXPECT_EQ(kept_client_timestamp(now + hour, false, 0), now + hour);
  // An existing object keeps only a newer value.
  EXPECT_EQ(kept_client_timestamp(6000, true, 5000), 6000);
  EXPECT_EQ(kept_client_timestamp(5001, true, 5000), 5001);
  EXPECT_EQ(kept_client_timestamp(5000, true, 5000), std::nullopt);
  EXPECT_EQ(kept_client_timestamp(4000, true, 5000), std::nullopt);
  // Unacceptable values are dropped.
  for (bool exists : {false, true}) {
    EXPECT_EQ(kept_client_timestamp(-1, exists, -10), std::nullopt);
    EXPECT_EQ(kept_client_timestamp(INT64_MIN, exists, 0), std::nullopt);
    EXPECT_EQ(kept_client_timestamp(now + 48 * hour, exists, 0), std::nullopt);
    EXPECT_EQ(kept_client_timestamp(INT64_MAX, exists, 0), std::nullopt);
  }
}

}  // namespace
}  // namespace ratchet
