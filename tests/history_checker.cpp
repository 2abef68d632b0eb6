#include "tests/history_checker.h"

#include <algorithm>
#include <set>
#include <utility>

namespace ratchet::testing {

namespace {

bool is_write(const Operation& op) { return op.kind != OpKind::kDelete; }

std::string show(const RecordState& r) {
  return "ts " + std::to_string(r.last_modified) + " value \"" + r.value + "\"";
}

// Acknowledged writes of one collection by completion time, with the running
// maximum of their timestamps: "the highest timestamp acknowledged before t".
class CompletedBefore {
 public:
  void add(int64_t complete_us, int64_t ts, size_t op) { items_.push_back({complete_us, ts, op}); }

  void seal() {
    std::sort(items_.begin(), items_.end(),
              [](const Item& a, const Item& b) { return a.complete_us < b.complete_us; });
    for (size_t i = 1; i < items_.size(); ++i) {
      if (items_[i].ts < items_[i - 1].ts) {
        items_[i].ts = items_[i - 1].ts;
        items_[i].op = items_[i - 1].op;
      }
    }
  }

  // The op with the highest timestamp among those completed strictly before
  // `invoke_us`; false if none.
  bool highest_before(int64_t invoke_us, int64_t* ts, size_t* op) const {
    auto it = std::lower_bound(
        items_.begin(), items_.end(), invoke_us,
        [](const Item& item, int64_t t) { return item.complete_us < t; });
    if (it == items_.begin()) return false;
    --it;
    *ts = it->ts;
    *op = it->op;
    return true;
  }

 private:
  struct Item {
    int64_t complete_us;
    int64_t ts;  // after seal(): the maximum up to here
    size_t op;   // the op holding that maximum
  };
  std::vector<Item> items_;
};

// The operations on one record, by index into the history.
struct RecordOps {
  std::vector<size_t> acked;  // ok, with a timestamp; sorted by it
  std::vector<size_t> unknown;
};

class Checker {
 public:
  Checker(const std::vector<Operation>& ops, const std::vector<NodeState>& nodes,
          CheckReport* report)
      : ops_(ops), nodes_(nodes), report_(report) {}

  void run() {
    index();
    check_durability();
    check_chains();
    check_timestamps();
    check_node_timestamps();
    check_convergence();
    check_origins();
  }

 private:
  void add(Check check, std::string description) {
    report_->violations.push_back({check, std::move(description)});
  }
  std::string op(size_t i) const { return describe(ops_[i], i); }
  int64_t ts(size_t i) const { return ops_[i].last_modified; }
  static std::string record_of(const std::string& collection, const std::string& id) {
    return collection + "/" + id;
  }

  void index();
  void check_durability();
  void check_acked_on_node(size_t i, const NodeState& node, const CollectionState& state);
  bool deleted_after(const RecordOps& rec, int64_t t) const;
  void check_chains();
  void check_chain_link(const RecordOps& rec, size_t j);
  void check_create_link(const RecordOps& rec, size_t prev, size_t i);
  void check_timestamps();
  void check_node_timestamps();
  void check_convergence();
  void compare_nodes(const NodeState& ref, const NodeState& other);
  void compare_collections(const std::string& key, const NodeState& ref,
                           const CollectionState& a, const NodeState& other,
                           const CollectionState& b);
  void check_origins();
  void check_origin(const NodeState& node, const std::string& key, const std::string& id,
                    const RecordState& r);

  const std::vector<Operation>& ops_;
  const std::vector<NodeState>& nodes_;
  CheckReport* report_;
  std::map<std::string, RecordOps> records_;               // by "b/c/r"
  std::map<std::string, std::vector<size_t>> acked_in_;    // by "b/c": acked ops
  std::map<std::string, CompletedBefore> completed_;       // by "b/c"
  std::map<std::string, size_t> by_value_;                 // value -> the op that wrote it
};

void Checker::index() {
  for (size_t i = 0; i < ops_.size(); ++i) {
    const Operation& o = ops_[i];
    OutcomeCounts& c = report_->counts[static_cast<size_t>(o.kind)];
    RecordOps& rec = records_[record_key(o)];
    if (is_write(o) && !o.value.empty() && !by_value_.emplace(o.value, i).second) {
      add(Check::kOrigin, "value \"" + o.value + "\" written twice: " + op(by_value_[o.value]) +
                              " and " + op(i));
    }
    if (o.outcome == Outcome::kFailed) {
      ++c.failed;
    } else if (o.outcome == Outcome::kUnknown) {
      ++c.unknown;
      rec.unknown.push_back(i);
    } else {
      ++c.ok;
      if (o.last_modified <= 0) {
        add(Check::kTimestamps, "acknowledged without a timestamp: " + op(i));
        continue;
      }
      rec.acked.push_back(i);
      std::string coll = collection_key(o.bucket, o.collection);
      acked_in_[coll].push_back(i);
      completed_[coll].add(o.complete_us, o.last_modified, i);
    }
  }
  for (auto& [key, rec] : records_) {
    std::sort(rec.acked.begin(), rec.acked.end(),
              [this](size_t a, size_t b) { return ts(a) < ts(b); });
  }
  for (auto& [key, c] : completed_) c.seal();
}

// --- a. durability ---------------------------------------------------------

void Checker::check_durability() {
  for (const NodeState& node : nodes_) {
    if (!node.error.empty()) continue;  // reported by check_convergence
    for (const auto& [coll, acked] : acked_in_) {
      auto it = node.collections.find(coll);
      if (it == node.collections.end()) {
        add(Check::kDurability, "collection " + coll + " missing on " + node.node + " (" +
                                    std::to_string(acked.size()) + " acknowledged writes)");
        continue;
      }
      for (size_t i : acked) check_acked_on_node(i, node, it->second);
    }
  }
}

// Whether a delete that may have come after the version `t` exists: an
// acknowledged one with a higher timestamp, or an unknown one whose If-Match
// names `t` or a later version.
bool Checker::deleted_after(const RecordOps& rec, int64_t t) const {
  for (size_t d : rec.acked) {
    if (ops_[d].kind == OpKind::kDelete && ts(d) > t) return true;
  }
  for (size_t d : rec.unknown) {
    if (ops_[d].kind == OpKind::kDelete && ops_[d].if_match >= t) return true;
  }
  return false;
}

void Checker::check_acked_on_node(size_t i, const NodeState& node, const CollectionState& state) {
  const Operation& o = ops_[i];
  auto it = state.records.find(o.record);
  const RecordOps& rec = records_[record_key(o)];
  if (o.kind == OpKind::kDelete) {
    if (it != state.records.end() && it->second.last_modified <= o.last_modified) {
      add(Check::kDurability, "acknowledged delete lost: " + node.node + " still holds " +
                                  show(it->second) + " after " + op(i));
    }
    return;
  }
  if (it == state.records.end()) {
    if (!deleted_after(rec, o.last_modified)) {
      add(Check::kDurability, "acknowledged write lost: record absent on " + node.node +
                                  " and no later delete was attempted: " + op(i));
    }
    return;
  }
  const RecordState& r = it->second;
  if (r.last_modified < o.last_modified) {
    add(Check::kDurability, "acknowledged write lost: " + node.node + " holds older " + show(r) +
                                ": " + op(i));
  } else if (r.last_modified == o.last_modified && r.value != o.value) {
    add(Check::kDurability, "acknowledged write lost: " + node.node + " holds " + show(r) +
                                " at its timestamp: " + op(i));
  }
}

// --- b. no lost update -----------------------------------------------------

void Checker::check_chains() {
  for (const auto& [key, rec] : records_) {
    std::map<int64_t, size_t> replaced;  // If-Match etag -> the first acked op replacing it
    for (size_t j = 0; j < rec.acked.size(); ++j) {
      size_t i = rec.acked[j];
      if (ops_[i].kind == OpKind::kCreate) {
        if (j > 0) check_create_link(rec, rec.acked[j - 1], i);
        continue;
      }
      auto [it, fresh] = replaced.emplace(ops_[i].if_match, i);
      if (!fresh) {
        add(Check::kLostUpdate, "lost update: two acknowledged writes replaced version " +
                                    std::to_string(ops_[i].if_match) + ": " + op(it->second) +
                                    " and " + op(i));
        continue;
      }
      check_chain_link(rec, j);
    }
  }
}

// The acknowledged If-Match write rec.acked[j] replaced the version its etag
// names: no acknowledged write lies between that version and it.
void Checker::check_chain_link(const RecordOps& rec, size_t j) {
  size_t i = rec.acked[j];
  int64_t etag = ops_[i].if_match;
  if (ts(i) <= etag) {
    add(Check::kTimestamps, "new version not above the version it replaced: " + op(i));
    return;
  }
  if (j > 0) {
    size_t p = rec.acked[j - 1];
    if (ts(p) > etag) {
      add(Check::kLostUpdate, "lost update: " + op(i) + " replaced version " +
                                  std::to_string(etag) + ", silently overwriting " + op(p));
      return;
    }
    if (ts(p) == etag && ops_[p].kind == OpKind::kDelete) {
      add(Check::kLostUpdate, "If-Match write applied to a deleted record: " + op(i) +
                                  " after " + op(p));
      return;
    }
    if (ts(p) == etag) return;
  }
  bool unknown_write = std::any_of(rec.unknown.begin(), rec.unknown.end(),
                                   [this](size_t u) { return is_write(ops_[u]); });
  if (!unknown_write) {
    add(Check::kLostUpdate, "If-Match names a version no write of the history made: " + op(i));
  }
}

// An acknowledged create found the record absent: after the live version
// `prev`, a delete (one whose outcome is unknown) came before it.
void Checker::check_create_link(const RecordOps& rec, size_t prev, size_t i) {
  if (ops_[prev].kind == OpKind::kDelete) return;
  for (size_t u : rec.unknown) {
    const Operation& d = ops_[u];
    if (d.kind == OpKind::kDelete && d.if_match >= ts(prev) && d.if_match < ts(i)) return;
  }
  add(Check::kLostUpdate, "create acknowledged while the record existed: " + op(i) +
                              " after " + op(prev));
}

// --- c. timestamps ---------------------------------------------------------

void Checker::check_timestamps() {
  for (const auto& [coll, acked] : acked_in_) {
    std::map<int64_t, size_t> seen;
    for (size_t i : acked) {
      auto [it, fresh] = seen.emplace(ts(i), i);
      if (!fresh) {
        add(Check::kTimestamps, "two acknowledged writes in " + coll + " share timestamp " +
                                    std::to_string(ts(i)) + ": " + op(it->second) + " and " +
                                    op(i));
      }
    }
    const CompletedBefore& before = completed_[coll];
    for (size_t i : acked) {
      int64_t max_ts = 0;
      size_t a = 0;
      if (before.highest_before(ops_[i].invoke_us, &max_ts, &a) && ts(i) <= max_ts) {
        add(Check::kTimestamps, "timestamp went backwards in " + coll + ": " + op(i) +
                                    " was invoked after " + op(a) + " completed");
      }
    }
  }
}

// Each node's list timestamp covers every acknowledged write and every record
// it holds, and its records' timestamps are distinct.
void Checker::check_node_timestamps() {
  for (const NodeState& node : nodes_) {
    if (!node.error.empty()) continue;
    for (const auto& [coll, state] : node.collections) {
      std::map<int64_t, std::string> seen;
      for (const auto& [id, r] : state.records) {
        if (r.last_modified > state.timestamp) {
          add(Check::kTimestamps, "on " + node.node + " record " + record_of(coll, id) + " " +
                                      show(r) + " is above the list timestamp " +
                                      std::to_string(state.timestamp));
        }
        auto [it, fresh] = seen.emplace(r.last_modified, id);
        if (!fresh) {
          add(Check::kTimestamps, "on " + node.node + " records " + record_of(coll, it->second) +
                                      " and " + record_of(coll, id) + " share timestamp " +
                                      std::to_string(r.last_modified));
        }
      }
      auto acked = acked_in_.find(coll);
      if (acked == acked_in_.end()) continue;
      for (size_t i : acked->second) {
        if (ts(i) > state.timestamp) {
          add(Check::kTimestamps, "list timestamp " + std::to_string(state.timestamp) + " of " +
                                      coll + " on " + node.node + " is below " + op(i));
        }
      }
    }
  }
}

// --- d. convergence --------------------------------------------------------

void Checker::check_convergence() {
  const NodeState* ref = nullptr;
  for (const NodeState& node : nodes_) {
    if (!node.error.empty()) {
      add(Check::kConvergence, "node " + node.node + " could not be read: " + node.error);
    } else if (ref == nullptr) {
      ref = &node;
    } else {
      compare_nodes(*ref, node);
    }
  }
}

void Checker::compare_nodes(const NodeState& ref, const NodeState& other) {
  std::set<std::string> keys;
  for (const auto& [key, state] : ref.collections) keys.insert(key);
  for (const auto& [key, state] : other.collections) keys.insert(key);
  for (const std::string& key : keys) {
    auto a = ref.collections.find(key);
    auto b = other.collections.find(key);
    if (a == ref.collections.end() || b == other.collections.end()) {
      const NodeState& has = a == ref.collections.end() ? other : ref;
      const NodeState& lacks = a == ref.collections.end() ? ref : other;
      add(Check::kConvergence, "collection " + key + " is on " + has.node + " but not on " +
                                   lacks.node);
      continue;
    }
    compare_collections(key, ref, a->second, other, b->second);
  }
}

void Checker::compare_collections(const std::string& key, const NodeState& ref,
                                  const CollectionState& a, const NodeState& other,
                                  const CollectionState& b) {
  if (a.timestamp != b.timestamp) {
    add(Check::kConvergence, "list timestamp of " + key + ": " + std::to_string(a.timestamp) +
                                 " on " + ref.node + ", " + std::to_string(b.timestamp) + " on " +
                                 other.node);
  }
  std::set<std::string> ids;
  for (const auto& [id, r] : a.records) ids.insert(id);
  for (const auto& [id, r] : b.records) ids.insert(id);
  for (const std::string& id : ids) {
    auto ra = a.records.find(id);
    auto rb = b.records.find(id);
    std::string sa = ra == a.records.end() ? "absent" : show(ra->second);
    std::string sb = rb == b.records.end() ? "absent" : show(rb->second);
    if (sa != sb) {
      add(Check::kConvergence, "record " + record_of(key, id) + " differs: " + sa + " on " +
                                   ref.node + ", " + sb + " on " + other.node);
    }
  }
}

// --- e. origin of final values ---------------------------------------------

void Checker::check_origins() {
  for (const NodeState& node : nodes_) {
    if (!node.error.empty()) continue;
    for (const auto& [coll, state] : node.collections) {
      for (const auto& [id, r] : state.records) check_origin(node, coll, id, r);
    }
  }
}

void Checker::check_origin(const NodeState& node, const std::string& key, const std::string& id,
                           const RecordState& r) {
  std::string where = "record " + record_of(key, id) + " " + show(r) + " on " + node.node;
  auto found = by_value_.find(r.value);
  if (found == by_value_.end()) {
    bool targeted = records_.count(record_of(key, id)) > 0;
    add(Check::kOrigin, where + (targeted ? ": no write of the history wrote this value"
                                          : ": the history never wrote this record"));
    return;
  }
  size_t i = found->second;
  const Operation& o = ops_[i];
  if (record_key(o) != record_of(key, id)) {
    add(Check::kOrigin, where + ": the value belongs to another record: " + op(i));
  } else if (o.outcome == Outcome::kFailed) {
    add(Check::kOrigin, where + ": the value of a failed write: " + op(i));
  } else if (o.outcome == Outcome::kOk && o.last_modified != r.last_modified) {
    add(Check::kOrigin, where + ": the value of a write acknowledged with another timestamp: " +
                            op(i));
  } else if (o.outcome == Outcome::kUnknown) {
    // The write happened, at r.last_modified: after every write acknowledged
    // before it was sent.
    int64_t max_ts = 0;
    size_t a = 0;
    auto c = completed_.find(key);
    if (c != completed_.end() && c->second.highest_before(o.invoke_us, &max_ts, &a) &&
        r.last_modified <= max_ts) {
      add(Check::kTimestamps, where + ": timestamp went backwards: " + op(i) +
                                  " (outcome unknown, applied) was invoked after " + op(a) +
                                  " completed");
    }
  }
}

}  // namespace

const char* check_name(Check check) {
  switch (check) {
    case Check::kDurability: return "durability";
    case Check::kLostUpdate: return "lost-update";
    case Check::kTimestamps: return "timestamps";
    case Check::kConvergence: return "convergence";
    case Check::kOrigin: return "origin";
  }
  return "?";
}

size_t CheckReport::count(Check check) const {
  auto is = [check](const Violation& v) { return v.check == check; };
  return static_cast<size_t>(std::count_if(violations.begin(), violations.end(), is));
}

std::string CheckReport::summary(size_t max_listed) const {
  std::string s;
  for (OpKind kind : {OpKind::kCreate, OpKind::kUpdate, OpKind::kDelete}) {
    const OutcomeCounts& c = of(kind);
    s += std::string(kind_name(kind)) + ": " + std::to_string(c.ok) + " ok, " +
         std::to_string(c.failed) + " failed, " + std::to_string(c.unknown) + " unknown\n";
  }
  s += "violations: " + std::to_string(violations.size());
  for (size_t k = 0; k < kCheckCount; ++k) {
    Check check = static_cast<Check>(k);
    s += std::string(k == 0 ? " (" : ", ") + check_name(check) + " " +
         std::to_string(count(check));
  }
  s += ")\n";
  for (size_t i = 0; i < violations.size() && i < max_listed; ++i) {
    s += std::string("  [") + check_name(violations[i].check) + "] " +
         violations[i].description + "\n";
  }
  if (violations.size() > max_listed) {
    s += "  ... and " + std::to_string(violations.size() - max_listed) + " more\n";
  }
  return s;
}

CheckReport check_history(const std::vector<Operation>& ops, const std::vector<NodeState>& nodes) {
  CheckReport report;
  Checker(ops, nodes, &report).run();
  std::stable_sort(report.violations.begin(), report.violations.end(),
                   [](const Violation& a, const Violation& b) { return a.check < b.check; });
  return report;
}

}  // namespace ratchet::testing
