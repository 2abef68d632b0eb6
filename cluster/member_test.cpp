// The epoch and in-sync rules of Member, Primary and Replica together:
// three members in one process on memory stores, a fake configuration
// manager (MemoryConfigStore, which a test can cut a member off from) and a
// fake network (asynchronous, in order, which a test can partition).
#include "cluster/member.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "cluster/memory_config_store.h"
#include "store/list_reader.h"
#include "store/log_position.h"
#include "store/memory_engine.h"

namespace ratchet {
namespace {

using namespace std::chrono_literals;

template <class Condition>
bool Eventually(Condition done, std::chrono::milliseconds limit = 10s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

// Delivers messages on one thread, in the order sent; drops those from or
// to a cut node.
class FakeNetwork {
 public:
  ~FakeNetwork() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  void attach(const std::string& node, Inbox* inbox) {
    std::lock_guard<std::mutex> lock(mu_);
    inboxes_[node] = inbox;
  }
  void cut(const std::string& node, bool cut) {
    std::lock_guard<std::mutex> lock(mu_);
    if (cut) {
      cut_.insert(node);
    } else {
      cut_.erase(node);
    }
  }
  void send(const std::string& from, const std::string& to, std::function<void(Inbox&)> deliver) {
    std::lock_guard<std::mutex> lock(mu_);
    if (cut_.count(from) || cut_.count(to)) return;
    queue_.push_back({to, std::move(deliver)});
    cv_.notify_all();
  }

 private:
  void run() {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      auto [to, deliver] = std::move(queue_.front());
      queue_.pop_front();
      Inbox* inbox = inboxes_.count(to) && !cut_.count(to) ? inboxes_[to] : nullptr;
      lock.unlock();
      if (inbox) deliver(*inbox);
      lock.lock();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Inbox*> inboxes_;
  std::set<std::string> cut_;
  std::deque<std::pair<std::string, std::function<void(Inbox&)>>> queue_;
  bool stopping_ = false;
  std::thread thread_{[this] { run(); }};
};

class FakeTransport : public Transport {
 public:
  FakeTransport(std::string self, FakeNetwork& net) : self_(std::move(self)), net_(net) {}
  void peers(const std::map<std::string, std::string>&) override {}
  void entries(const std::string& to, int64_t epoch, std::vector<LogEntry> e) override {
    net_.send(self_, to, [=, from = self_](Inbox& in) { in.on_entries(from, epoch, e); });
  }
  void ack(const std::string& to, int64_t epoch, int64_t seq) override {
    net_.send(self_, to, [=, from = self_](Inbox& in) { in.on_ack(from, epoch, seq); });
  }
  void join(const std::string& to, int64_t epoch, LogPosition p) override {
    net_.send(self_, to, [=, from = self_](Inbox& in) { in.on_join(from, epoch, p); });
  }
  void copy_needed(const std::string& to, int64_t epoch) override {
    net_.send(self_, to, [=, from = self_](Inbox& in) { in.on_copy_needed(from, epoch); });
  }
  void copy_request(const std::string& to, int64_t epoch, std::string after) override {
    net_.send(self_, to, [=, from = self_](Inbox& in) { in.on_copy_request(from, epoch, after); });
  }
  void copy_chunk(const std::string& to, int64_t epoch, std::vector<std::string> pairs, bool last,
                  LogPosition p) override {
    net_.send(self_, to, [=, from = self_](Inbox& in) {
      in.on_copy_chunk(from, epoch, pairs, last, p);
    });
  }

 private:
  const std::string self_;
  FakeNetwork& net_;
};

// One member's view of the configuration manager, which can be cut.
class CutConfigStore : public ConfigStore {
 public:
  explicit CutConfigStore(MemoryConfigStore& store) : store_(store) {}
  std::atomic<bool> cut{false};
  int64_t grant_lease(int ttl) override { return check().grant_lease(ttl); }
  bool keep_alive(int64_t lease) override { return check().keep_alive(lease); }
  std::optional<KeyValue> get(const std::string& key) override { return check().get(key); }
  std::vector<KeyValue> list(const std::string& prefix) override { return check().list(prefix); }
  bool compare_and_put(const std::string& key, const std::string& value, int64_t expected,
                       int64_t lease) override {
    return check().compare_and_put(key, value, expected, lease);
  }
  bool compare_and_delete(const std::string& key, int64_t expected) override {
    return check().compare_and_delete(key, expected);
  }
  void watch(const std::string& prefix, const std::function<void()>& changed,
             const std::function<bool()>& stop) override {
    check();
    store_.watch(prefix, changed, [&] { return stop() || cut.load(); });
  }

 private:
  MemoryConfigStore& check() {
    if (cut) throw ConfigStoreUnavailable("cut off");
    return store_;
  }
  MemoryConfigStore& store_;
};

const ListId kList{"/buckets/b/collections/c", "record"};

Commit put(const std::string& id, int64_t ts) {
  Commit c;
  c.changes.push_back(PutObject{kList, id, ts, R"({"id":")" + id + R"("})", std::nullopt,
                                std::nullopt, false});
  return c;
}

struct Node {
  Node(const std::string& id, MemoryConfigStore& store, FakeNetwork& net, int lease_seconds)
      : config(store), transport(id, net) {
    settings.cluster_etcd = {"memory"};
    settings.cluster_node_id = id;
    settings.cluster_advertise = id + ":1";
    settings.cluster_lease_seconds = lease_seconds;
    settings.cluster_replica_timeout_ms = 300;
    settings.storage_fsync = false;
    settings.userid_hmac_secret = "s";
    member = std::make_unique<Member>(settings, config, engine, transport, Member::Hooks{});
    net.attach(id, member.get());
  }
  bool holds(const std::string& id) {
    std::string text;
    auto snapshot = engine.snapshot();
    return ListView(*snapshot, kList).text(id, &text);
  }
  LogPosition position() { return recorded_position(*engine.snapshot()).value_or(LogPosition{-1, 0}); }
  bool is_primary() const { return member->route().kind == Member::Route::Kind::kLocal; }

  Settings settings;
  MemoryEngine engine;
  CutConfigStore config;
  FakeTransport transport;
  std::unique_ptr<Member> member;
};

class MemberTest : public ::testing::Test {
 protected:
  void start(int n, int lease_seconds = 2) {
    for (int i = 0; i < n; ++i) {
      nodes_.push_back(std::make_unique<Node>("n" + std::to_string(i), store_, net_, lease_seconds));
      nodes_.back()->member->start();
      if (i == 0) {
        ASSERT_TRUE(Eventually([&] { return nodes_[0]->is_primary(); }));
      }
    }
  }
  std::optional<ShardRecord> record() {
    auto kv = store_.get("ratchet/shards/0");
    return kv ? shard_record_from_json(kv->value) : std::nullopt;
  }
  size_t in_sync() { return record() ? record()->in_sync.size() : 0; }
  // Submits a commit to member i and waits for its answer.
  bool commit(int i, const std::string& id, int64_t ts) {
    auto f = nodes_[i]->member->submit(put(id, ts), nullptr);
    if (f.wait_for(15s) != std::future_status::ready) return false;
    return f.get();
  }
  // Ends member i's lease as etcd does when it is not renewed.
  void expire(int i) { store_.expire(lease_of(i)); }
  int64_t lease_of(int i) {
    auto kv = store_.get("ratchet/members/n" + std::to_string(i));
    return kv ? kv->lease : 0;
  }

  MemoryConfigStore store_;
  FakeNetwork net_;
  std::vector<std::unique_ptr<Node>> nodes_;
};

TEST_F(MemberTest, AWriteIsAcknowledgedOnlyOnceEveryInSyncCopyHoldsIt) {
  start(1);
  // Alone, below cluster_min_insync (2): refused, nothing numbered.
  EXPECT_FALSE(commit(0, "r0", 1));
  EXPECT_FALSE(nodes_[0]->holds("r0"));
  nodes_.push_back(std::make_unique<Node>("n1", store_, net_, 2));
  nodes_.back()->member->start();
  nodes_.push_back(std::make_unique<Node>("n2", store_, net_, 2));
  nodes_.back()->member->start();
  ASSERT_TRUE(Eventually([&] { return in_sync() == 3; }));
  ASSERT_TRUE(commit(0, "r1", 10));
  for (auto& n : nodes_) EXPECT_TRUE(n->holds("r1"));
  EXPECT_EQ(nodes_[1]->position(), nodes_[0]->position());
  EXPECT_EQ(nodes_[2]->position(), nodes_[0]->position());
  // Another node is not the primary: it refuses commits itself.
  EXPECT_FALSE(commit(1, "r2", 11));
  EXPECT_EQ(nodes_[1]->member->route().kind, Member::Route::Kind::kRemote);
  EXPECT_EQ(nodes_[1]->member->route().node, "n0");
}

TEST_F(MemberTest, AReplicaThatStopsAckingLeavesInSyncBeforeTheNextAcknowledgement) {
  start(3);
  ASSERT_TRUE(Eventually([&] { return in_sync() == 3; }));
  net_.cut("n2", true);
  // Held until n2 is removed from in_sync by compare-and-swap; then answered.
  ASSERT_TRUE(commit(0, "r1", 10));
  EXPECT_EQ(record()->in_sync, (std::vector<std::string>{"n0", "n1"}));
  EXPECT_TRUE(nodes_[1]->holds("r1"));
  EXPECT_FALSE(nodes_[2]->holds("r1"));
  // With n1 gone too, one copy is too few: the write is not acknowledged.
  net_.cut("n1", true);
  EXPECT_FALSE(commit(0, "r2", 11));
  EXPECT_EQ(record()->in_sync, (std::vector<std::string>{"n0"}));
  EXPECT_FALSE(nodes_[0]->member->healthy());
  // Healed, both catch up from the log and come back in sync.
  net_.cut("n1", false);
  net_.cut("n2", false);
  ASSERT_TRUE(Eventually([&] { return in_sync() == 3; }));
  EXPECT_TRUE(nodes_[2]->holds("r1"));
  EXPECT_TRUE(nodes_[2]->holds("r2"));  // answered 503, yet in the log: kept everywhere
  ASSERT_TRUE(commit(0, "r3", 12));
  EXPECT_TRUE(nodes_[0]->member->healthy());
}

TEST_F(MemberTest, WhenThePrimaryLeaseIsGoneTheMostAdvancedInSyncReplicaTakesOver) {
  start(3);
  ASSERT_TRUE(Eventually([&] { return in_sync() == 3; }));
  ASSERT_TRUE(commit(0, "r1", 10));
  int64_t epoch = record()->epoch;
  // n0 is cut from everything (it cannot renew) and its lease ends; a write
  // it numbers meanwhile reaches its own store only.
  net_.cut("n0", true);
  auto stale = nodes_[0]->member->submit(put("stale", 20), nullptr);
  ASSERT_TRUE(Eventually([&] { return nodes_[0]->holds("stale"); }));
  nodes_[0]->config.cut = true;
  expire(0);
  ASSERT_TRUE(Eventually([&] { return record()->epoch == epoch + 1; }));
  int p = std::stoi(record()->primary.substr(1));
  ASSERT_TRUE(p == 1 || p == 2);
  ASSERT_TRUE(Eventually([&] { return nodes_[p]->is_primary(); }));
  EXPECT_EQ(record()->in_sync.size(), 2u);
  ASSERT_EQ(stale.wait_for(10s), std::future_status::ready);
  EXPECT_FALSE(stale.get());  // the old primary acknowledged nothing
  ASSERT_TRUE(commit(p, "r2", 21));
  EXPECT_TRUE(nodes_[3 - p]->holds("r1"));
  EXPECT_TRUE(nodes_[3 - p]->holds("r2"));
  // The old primary comes back: it holds "stale", which no one else does --
  // not a prefix of the log: it is copied whole and converges.
  net_.cut("n0", false);
  nodes_[0]->config.cut = false;
  ASSERT_TRUE(Eventually([&] { return in_sync() == 3; }, 15s));
  EXPECT_FALSE(nodes_[0]->holds("stale"));
  EXPECT_TRUE(nodes_[0]->holds("r2"));
  EXPECT_EQ(nodes_[0]->position(), nodes_[p]->position());
}

TEST_F(MemberTest, ReplicasRefuseEntriesOfAnOlderEpoch) {
  start(3);
  ASSERT_TRUE(Eventually([&] { return in_sync() == 3; }));
  ASSERT_TRUE(commit(0, "r1", 10));
  LogPosition before = nodes_[1]->position();
  // A late message from an epoch-0 primary (e.g. one that was paused).
  nodes_[1]->member->on_entries("n2", 0, {LogEntry{0, before.seq + 1, "garbage"}});
  int64_t epoch = record()->epoch;
  nodes_[1]->member->on_entries("n2", epoch - 1, {LogEntry{epoch - 1, before.seq + 1, "x"}});
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(nodes_[1]->position(), before);
  ASSERT_TRUE(commit(0, "r2", 11));
  EXPECT_TRUE(nodes_[1]->holds("r2"));
}

TEST_F(MemberTest, APrimaryCutOffFromTheConfigurationManagerStopsAcknowledgingAtItsDeadline) {
  start(3);
  ASSERT_TRUE(Eventually([&] { return in_sync() == 3; }));
  nodes_[0]->config.cut = true;  // replicas still reachable; etcd not
  auto cut_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(Eventually([&] { return !nodes_[0]->member->healthy(); }, 5s));
  EXPECT_LE(std::chrono::steady_clock::now() - cut_at, 2s);  // TTL 2 s minus the margin
  EXPECT_FALSE(commit(0, "late", 10));
  nodes_[0]->config.cut = false;  // its lease never expired in etcd: it carries on
  ASSERT_TRUE(Eventually([&] { return nodes_[0]->member->healthy(); }));
  EXPECT_TRUE(commit(0, "r1", 11));
}

}  // namespace
}  // namespace ratchet
