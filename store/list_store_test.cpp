// The invariants of list_store.h, checked on the whole store after every
// commit of scripted and random writes, on both engines; the commits, applied
// in order to another store, give the same keys and values.
#include "store/list_store.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>
#include <set>

#include "core/acl.h"
#include "ratchet/json.h"
#include "store/catalog.h"
#include "store/commit.h"
#include "store/keys.h"
#include "tests/temp_dir.h"

namespace ratchet {
namespace {

using testing::TempDir;

// Every key and value of a store.
std::map<std::string, std::string> dump_store(Engine& engine) {
  std::map<std::string, std::string> out;
  auto snapshot = engine.snapshot();
  auto cursor = snapshot->scan("", std::string(8, '\xff'), false);
  for (; cursor->valid(); cursor->next()) out.emplace(cursor->key(), cursor->value());
  return out;
}

// One list as found in the keys.
struct FoundList {
  std::map<std::string, std::string> objects, acls;
  std::map<std::string, int64_t> tombstones;
  std::set<std::tuple<int64_t, std::string, std::string>> changes;  // (ts, id, mark)
  std::optional<int64_t> count, timestamp;
};

// Checks every invariant of list_store.h on the whole store.
void expect_invariants(Engine& engine, const Registry& registry) {
  std::map<ListId, FoundList> lists;
  std::set<std::pair<std::string, std::string>> grants, members;  // (principal, uri)
  for (const auto& [key, value] : dump_store(engine)) {
    if (key == keys::kHeartbeat || key == keys::kFormat) continue;
    for (auto [prefix, index] : {std::pair{&keys::kGrantsPrefix, &grants},
                                 std::pair{&keys::kMembersPrefix, &members}}) {
      if (key.starts_with(*prefix)) {
        size_t nul = key.find('\0');
        index->emplace(key.substr(prefix->size(), nul - prefix->size()), key.substr(nul + 1));
      }
    }
    if (key.starts_with(keys::kGrantsPrefix) || key.starts_with(keys::kMembersPrefix)) continue;
    size_t first = key.find('\0');
    size_t second = key.find('\0', first + 1);
    ASSERT_NE(second, std::string::npos) << key;
    ListId id{key.substr(0, first), key.substr(first + 1, second - first - 1)};
    FoundList& list = lists[id];
    char family = key[second + 1];
    std::string rest = key.substr(second + 2);
    std::string lp = key.substr(0, second + 1);
    switch (family) {
      case 'N': list.count = catalog::decode_int(value); break;
      case 'T': list.timestamp = catalog::decode_int(value); break;
      case 'o': list.objects[rest] = value; break;
      case 'p': list.acls[rest] = value; break;
      case 't': list.tombstones[rest] = catalog::decode_int(value); break;
      case 'm': {
        auto [ts, oid] = keys::parse_change(key, lp.size());
        list.changes.emplace(ts, std::string(oid), value);
        break;
      }
      default: ADD_FAILURE() << "unknown key family in " << key;
    }
  }
  std::set<std::pair<std::string, std::string>> expected_members;
  for (const auto& [id, list] : lists) {
    const ResourceType* type = registry.find(id.resource);
    ASSERT_TRUE(type) << id.resource;
    std::string where = id.parent + " " + id.resource;
    // 6 (and removal of subtrees): a list exists only under a live parent.
    if (const ResourceType* parent_type = registry.parent_of(*type)) {
      auto [grandparent, pid] = split_uri(id.parent);
      auto up = lists.find(ListId{std::string(grandparent), parent_type->name});
      EXPECT_TRUE(up != lists.end() && up->second.objects.count(std::string(pid)))
          << where << ": a list below a missing object";
    }
    std::set<std::tuple<int64_t, std::string, std::string>> expected_changes;
    int64_t latest = INT64_MIN;
    for (const auto& [oid, text] : list.objects) {
      // 1
      EXPECT_FALSE(list.tombstones.count(oid)) << where << " " << oid << " live and deleted";
      EXPECT_EQ(list.acls.count(oid), type->per_user ? 0u : 1u) << where << " " << oid;
      int64_t ts = catalog::object_timestamp(text);
      expected_changes.emplace(ts, oid, "");
      latest = std::max(latest, ts);
      std::string uri = object_uri(*type, id.parent, oid);
      // 5
      if (!type->per_user) {
        for (const auto& p : acl_principals(list.acls.at(oid))) {
          EXPECT_TRUE(grants.count({p, uri})) << uri << " grants " << p;
        }
      }
      if (!type->members_field.empty()) {
        Json doc = Json::parse(text);
        for (const auto& m : doc.value(type->members_field, Json::array())) {
          expected_members.emplace(m.get<std::string>(), uri);
        }
      }
    }
    for (const auto& [oid, acl] : list.acls) {
      EXPECT_TRUE(list.objects.count(oid)) << where << " " << oid << ": an ACL without object";
    }
    for (const auto& [oid, ts] : list.tombstones) {
      expected_changes.emplace(ts, oid, "d");
      latest = std::max(latest, ts);
    }
    // 2, 3, 4
    EXPECT_EQ(list.changes, expected_changes) << where;
    EXPECT_EQ(list.count.value_or(0), static_cast<int64_t>(list.objects.size())) << where;
    if (latest != INT64_MIN) {
      EXPECT_GE(list.timestamp.value_or(0), latest) << where;
    }
  }
  // 6
  EXPECT_EQ(members, expected_members);
}

class ListStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  ListStoreTest() {
    add_kinto_resources(registry_);
    primary_ = open_engine(GetParam(), dir_.path() + "/primary");
    replica_ = open_engine(GetParam(), dir_.path() + "/replica");
  }

  ListStore& list(const std::string& resource, const std::string& parent) {
    auto& slot = stores_[ListId{parent, resource}];
    if (!slot) slot = std::make_unique<ListStore>(*primary_, registry_, *registry_.find(resource), parent);
    slot->refresh();
    return *slot;
  }

  // Puts an object as a list writer does: the next timestamp, then the write.
  int64_t put(ListStore& store, const std::string& id, const std::string& data,
              const std::string& acl = R"({"write":["alice"]})") {
    int64_t ts = store.timestamp() + 1;
    store.advance_timestamp(ts);
    store.put(id, ts, data, acl, store.view().get(id));
    return ts;
  }

  void remove(ListStore& store, const std::string& id) {
    int64_t ts = store.timestamp() + 1;
    store.advance_timestamp(ts);
    store.remove(id, ts, store.view().get(id));
  }

  // Commits a list's writes on the primary and ships them to the replica.
  void commit(ListStore& store) {
    Commit c = store.seal();
    primary_->write(encode(c), true);
    store.committed();
    replica_->write(encode(c), true);
    commits_++;
  }

  void expect_consistent() {
    expect_invariants(*primary_, registry_);
    EXPECT_EQ(dump_store(*primary_), dump_store(*replica_));
  }

  TempDir dir_;
  Registry registry_;
  std::unique_ptr<Engine> primary_, replica_;
  std::map<ListId, std::unique_ptr<ListStore>> stores_;
  int commits_ = 0;
};

TEST_P(ListStoreTest, ObjectsTombstonesIndexesAndSubtreesKeepTheInvariants) {
  ListStore& buckets = list("bucket", "");
  put(buckets, "b1", "{}", R"({"read":["bob"],"write":["alice"]})");
  put(buckets, "b2", "{}");
  commit(buckets);
  expect_consistent();

  ListStore& groups = list("group", "/buckets/b1");
  put(groups, "g", R"({"members":["carol","dave"]})");
  put(groups, "h", R"({"members":["carol"]})");
  commit(groups);
  expect_consistent();
  put(groups, "g", R"({"members":["dave","erin"]})", R"({"write":["bob"]})");  // changes both indexes
  commit(groups);
  expect_consistent();

  ListStore& collections = list("collection", "/buckets/b1");
  put(collections, "c", "{}");
  commit(collections);
  ListStore& records = list("record", "/buckets/b1/collections/c");
  for (int i = 0; i < 5; ++i) put(records, "r" + std::to_string(i), R"({"n":1})");
  commit(records);
  expect_consistent();
  EXPECT_EQ(records.count(), 5);

  remove(records, "r1");
  remove(records, "r2");
  put(records, "r0", R"({"n":2})");  // an update moves its index entry
  commit(records);
  expect_consistent();
  EXPECT_EQ(records.count(), 3);
  EXPECT_EQ(records.view().tombstone("r1"), records.timestamp() - 2);

  put(records, "r1", R"({"back":true})");  // re-created: the tombstone goes
  commit(records);
  expect_consistent();
  EXPECT_FALSE(records.view().tombstone("r1"));
  EXPECT_EQ(records.count(), 4);

  // Removing a bucket removes every list below it and its groups' members.
  stores_.clear();  // lists below are closed before their parent goes
  ListStore& top = list("bucket", "");
  remove(top, "b1");
  commit(top);
  expect_consistent();
  auto snapshot = primary_->snapshot();
  EXPECT_TRUE(groups_of(*snapshot, "carol").empty());
  EXPECT_EQ(ListView(*snapshot, ListId{"/buckets/b1/collections/c", "record"}).count(), 0);
}

TEST_P(ListStoreTest, RandomWritesKeepTheInvariantsAndReplayToTheSameStore) {
  std::mt19937 rng(GetParam() == "memory" ? 1 : 2);
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  const std::vector<std::string> principals{"alice", "bob", "carol", "system.Everyone"};
  auto some_principals = [&] {
    Json a = Json::array();
    for (const auto& p : principals) {
      if (pick(3) == 0) a.push_back(p);
    }
    return a;
  };
  ListStore& buckets = list("bucket", "");
  put(buckets, "b", "{}");
  commit(buckets);
  for (int round = 0; round < 60; ++round) {
    bool deep = pick(2) == 0;
    ListStore& store = deep ? list("group", "/buckets/b") : list("collection", "/buckets/b");
    for (int n = 1 + pick(6); n > 0; --n) {
      std::string id = std::string(1, static_cast<char>('a' + pick(5)));
      StoredObject old = store.view().get(id);
      ListStore::Mark mark = store.mark();
      if (old.exists && pick(3) == 0) {
        remove(store, id);
      } else {
        Json data = Json::object();
        if (deep) data["members"] = some_principals();
        Json acl = {{"read", some_principals()}, {"write", some_principals()}};
        put(store, id, dump(data), acl_text(acl));
      }
      if (pick(5) == 0) store.rollback(mark);  // an Op that failed halfway
    }
    commit(store);
    expect_consistent();
    if (HasFailure()) return;
    if (!deep && pick(4) == 0) {  // children, so that removals close subtrees
      std::string id = std::string(1, static_cast<char>('a' + pick(5)));
      if (store.view().get(id).exists) {
        ListStore& records = list("record", "/buckets/b/collections/" + id);
        put(records, "r", "{}", R"({"read":["bob"]})");
        commit(records);
        stores_.erase(ListId{"/buckets/b/collections/" + id, "record"});
      }
    }
  }
  EXPECT_GE(commits_, 60);
}

TEST_P(ListStoreTest, ReadsSeeWritesBeforeTheyAreCommittedAndRollbackUndoesThem) {
  ListStore& buckets = list("bucket", "");
  put(buckets, "b", R"({"v":1})");
  EXPECT_TRUE(buckets.view().get("b").exists);
  EXPECT_FALSE(ListView(buckets.committed_state(), buckets.list()).get("b").exists);
  ListStore::Mark mark = buckets.mark();
  int64_t before = buckets.timestamp();
  put(buckets, "c", "{}");
  remove(buckets, "b");
  buckets.rollback(mark);
  EXPECT_EQ(buckets.timestamp(), before);
  EXPECT_EQ(buckets.count(), 1);
  EXPECT_FALSE(buckets.view().get("c").exists);
  EXPECT_NE(buckets.view().get("b").text.find(R"("v":1)"), std::string::npos);
  Commit c = buckets.seal();
  for (const Change& change : c.changes) {
    if (auto* p = std::get_if<PutObject>(&change)) {
      EXPECT_EQ(p->id, "b");
    }
    EXPECT_FALSE(std::holds_alternative<RemoveObject>(change));
  }
  // Sealed but not durable: still read; abandoned: gone.
  EXPECT_TRUE(buckets.view().get("b").exists);
  buckets.abandon();
  EXPECT_FALSE(buckets.view().get("b").exists);
  EXPECT_EQ(buckets.timestamp(), 0);
  EXPECT_FALSE(buckets.dirty());
}

TEST_P(ListStoreTest, TheListTimestampNeverMovesBack) {
  ListStore& buckets = list("bucket", "");
  buckets.advance_timestamp(100);
  buckets.advance_timestamp(50);
  EXPECT_EQ(buckets.timestamp(), 100);
  EXPECT_TRUE(buckets.dirty());  // a timestamp alone is a write (a list read first)
  commit(buckets);
  EXPECT_EQ(ListView(*primary_->snapshot(), buckets.list()).timestamp(), 100);
  EXPECT_FALSE(buckets.dirty());
}

TEST_P(ListStoreTest, TheReaderWalksTheIndexAndFindsGrantedObjects) {
  ListStore& buckets = list("bucket", "");
  put(buckets, "x", "{}", R"({"read":["bob"]})");
  put(buckets, "y", "{}", R"({"write":["carol"]})");
  put(buckets, "z", "{}", R"({"read":["bob"],"write":["bob"]})");
  remove(buckets, "x");
  commit(buckets);
  auto snapshot = primary_->snapshot();
  ListReader reader(*snapshot, buckets.list());
  std::vector<std::string> walked;
  for (ChangeWalk w = reader.changes(false); w.valid(); w.next()) {
    walked.push_back(std::string(w.id()) + (w.deleted() ? "-" : "+"));
  }
  EXPECT_EQ(walked, (std::vector<std::string>{"y+", "z+", "x-"}));
  walked.clear();
  for (ChangeWalk w = reader.changes(true, 2, 3); w.valid(); w.next()) walked.emplace_back(w.id());
  EXPECT_EQ(walked, (std::vector<std::string>{"z", "y"}));
  // x's grant is gone with its ACL; an index entry is checked against the ACL.
  EXPECT_EQ(reader.granted_ids("/buckets/", {"bob"}, {}), (std::vector<std::string>{"z"}));
  EXPECT_EQ(reader.granted_ids("/buckets/", {"bob", "carol"}, {"write"}),
            (std::vector<std::string>{"y", "z"}));
  std::vector<std::string> ids;
  reader.each_object([&](std::string_view id, std::string_view) {
    ids.emplace_back(id);
    return true;
  });
  EXPECT_EQ(ids, (std::vector<std::string>{"y", "z"}));
}

INSTANTIATE_TEST_SUITE_P(Engines, ListStoreTest, ::testing::Values("memory", "rocksdb"));

}  // namespace
}  // namespace ratchet
