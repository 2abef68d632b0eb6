// The ConfigStore contract, run against MemoryConfigStore and against EtcdClient talking to
// a real single-member etcd (/usr/bin/etcd) that the suite starts on free ports of
// 127.0.0.1; then what only the etcd client does (failover, timeouts, source address).
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cluster/etcd_client.h"
#include "cluster/memory_config_store.h"
#include "tests/temp_dir.h"

namespace ratchet {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using testing::TempDir;

// A TCP socket bound to a free port of 127.0.0.1; listening (but never accepting) if asked.
class Socket {
 public:
  explicit Socket(bool listening) : fd_(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
        (listening && listen(fd_, 16) != 0)) {
      throw std::runtime_error("cannot bind a socket on 127.0.0.1");
    }
    port_ = ntohs(addr.sin_port);
  }
  ~Socket() { close(fd_); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  // The address of the first connection waiting to be accepted ("" if none).
  std::string peer() const {
    int conn = accept4(fd_, nullptr, nullptr, SOCK_NONBLOCK);
    if (conn < 0) return "";
    sockaddr_in addr{};
    socklen_t len = sizeof addr;
    getpeername(conn, reinterpret_cast<sockaddr*>(&addr), &len);
    close(conn);
    char text[INET_ADDRSTRLEN] = "";
    inet_ntop(AF_INET, &addr.sin_addr, text, sizeof text);
    return text;
  }

 private:
  int fd_;
  int port_ = 0;
};

// A single-member etcd in a child process with its data in a temp dir; killed by its pid
// on destruction (and by the kernel if this process dies first).
class EtcdServer {
 public:
  EtcdServer() {
    std::string peer_url;
    {
      Socket client(false), peer(false);  // two distinct free ports, freed for etcd
      url_ = client.url();
      peer_url = peer.url();
    }
    std::vector<std::string> args = {
        "/usr/bin/etcd", "--name", "e1", "--data-dir", dir_.path() + "/data",
        "--listen-client-urls", url_, "--advertise-client-urls", url_,
        "--listen-peer-urls", peer_url, "--initial-advertise-peer-urls", peer_url,
        "--initial-cluster", "e1=" + peer_url, "--heartbeat-interval", "100",
        "--election-timeout", "1000"};
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    const std::string log = log_path();
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(fd, 1);
      dup2(fd, 2);
      execv(argv[0], argv.data());
      _exit(127);
    }
  }
  ~EtcdServer() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }

  const std::string& url() const { return url_; }

  // Waits until etcd serves requests; false if it exits or takes over 10 s.
  bool ready() {
    EtcdClient probe({url_}, 200);
    for (auto deadline = Clock::now() + 10s; Clock::now() < deadline;) {
      try {
        probe.get("ready");
        return true;
      } catch (const ConfigStoreUnavailable&) {
      }
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  std::string log() const {
    std::ifstream in(log_path());
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  std::string log_path() const { return dir_.path() + "/etcd.log"; }

  TempDir dir_;
  std::string url_;
  pid_t pid_ = -1;
};

// The etcd of the whole test program, started on first use and killed when the tests end.
class SharedEtcd : public ::testing::Environment {
 public:
  static const std::string& url() {
    if (!server_) {
      server_ = std::make_unique<EtcdServer>();
      if (!server_->ready()) {
        std::string log = server_->log();
        server_.reset();
        throw std::runtime_error("etcd did not start:\n" + log);
      }
    }
    return server_->url();
  }
  void TearDown() override { server_.reset(); }

 private:
  static inline std::unique_ptr<EtcdServer> server_;
};

::testing::Environment* const shared_etcd = ::testing::AddGlobalTestEnvironment(new SharedEtcd);

// Runs store.watch(prefix) on its own thread, counting the callbacks, until stopped.
class Watching {
 public:
  Watching(ConfigStore& store, const std::string& prefix)
      : thread_([this, &store, prefix] {
          try {
            store.watch(prefix, [this] { ++calls_; }, [this] { return stop_.load(); });
          } catch (const ConfigStoreUnavailable&) {
            failed_ = true;
          }
        }) {}
  ~Watching() { stop(); }

  int calls() const { return calls_; }

  // Whether calls() goes above `seen` within `wait`.
  bool called_after(int seen, Clock::duration wait) const {
    return within(wait, [&] { return calls_ > seen; });
  }
  // Whether watch() throws ConfigStoreUnavailable within `wait`.
  bool fails_within(Clock::duration wait) const {
    return within(wait, [&] { return failed_.load(); });
  }

  // Ends the watch; returns how long watch() took to return.
  Clock::duration stop() {
    auto start = Clock::now();
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    return Clock::now() - start;
  }

 private:
  template <class Predicate>
  static bool within(Clock::duration wait, Predicate holds) {
    for (auto deadline = Clock::now() + wait; Clock::now() < deadline;) {
      if (holds()) return true;
      std::this_thread::sleep_for(5ms);
    }
    return holds();
  }

  std::atomic<int> calls_{0};
  std::atomic<bool> stop_{false};
  std::atomic<bool> failed_{false};
  std::thread thread_;
};

class ConfigStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "memory") {
      auto memory = std::make_unique<MemoryConfigStore>();
      memory_ = memory.get();
      store_ = std::move(memory);
    } else {
      store_ = std::make_unique<EtcdClient>(std::vector<std::string>{SharedEtcd::url()});
    }
  }

  ConfigStore& store() { return *store_; }
  const int run_ = next_run();
  static int next_run() {
    static std::atomic<int> runs{0};
    return ++runs;
  }

  // A key of this test run's own (the etcd is shared by every test, and by
  // the repetitions of --gtest_repeat).
  std::string key(const std::string& name) const {
    return std::string("/test/") + ::testing::UnitTest::GetInstance()->current_test_info()->name() +
           "/" + std::to_string(run_) + "/" + name;
  }

  // Writes `value` over whatever the key holds; returns the new mod_revision.
  int64_t put(const std::string& k, const std::string& value) {
    std::optional<KeyValue> old = store().get(k);
    EXPECT_TRUE(store().compare_and_put(k, value, old ? old->mod_revision : 0));
    return store().get(k)->mod_revision;
  }

  // Writes under the watched `prefix` until `watching` reports it: the watch is running.
  void prime(const Watching& watching, const std::string& prefix) {
    for (auto deadline = Clock::now() + 5s; Clock::now() < deadline;) {
      int seen = watching.calls();
      put(prefix + "primer", "x");
      if (watching.called_after(seen, 300ms)) return;
    }
    FAIL() << "the watch never reported a change";
  }

  // Ends `lease`: at once in memory; etcd is left to let its TTL (2 s) run out.
  void expire(int64_t lease, const std::string& bound_key) {
    if (memory_) {
      memory_->expire(lease);
      return;
    }
    for (auto deadline = Clock::now() + 5s; Clock::now() < deadline && store().get(bound_key);) {
      std::this_thread::sleep_for(100ms);
    }
  }

  std::unique_ptr<ConfigStore> store_;
  MemoryConfigStore* memory_ = nullptr;  // when the store is in memory
};

INSTANTIATE_TEST_SUITE_P(Backends, ConfigStoreTest, ::testing::Values("memory", "etcd"),
                         [](const auto& info) { return info.param; });

TEST_P(ConfigStoreTest, GrantedLeaseKeepsAliveAndBindsKeys) {
  int64_t lease = store().grant_lease(5);
  EXPECT_TRUE(store().keep_alive(lease));
  EXPECT_TRUE(store().keep_alive(lease));
  ASSERT_TRUE(store().compare_and_put(key("k"), "v", 0, lease));
  EXPECT_EQ(store().get(key("k"))->lease, lease);
}

TEST_P(ConfigStoreTest, ExpiredLeaseEndsKeepAliveAndTakesItsKeys) {
  Watching watching(store(), key("w/"));
  ASSERT_NO_FATAL_FAILURE(prime(watching, key("w/")));
  int64_t lease = store().grant_lease(2);
  ASSERT_TRUE(store().compare_and_put(key("w/bound"), "v", 0, lease));
  ASSERT_TRUE(store().compare_and_put(key("free"), "v", 0));
  int seen = watching.calls();

  expire(lease, key("w/bound"));
  EXPECT_FALSE(store().keep_alive(lease));
  EXPECT_FALSE(store().get(key("w/bound")));
  EXPECT_TRUE(store().get(key("free")));
  EXPECT_TRUE(watching.called_after(seen, 2s));
  EXPECT_FALSE(store().compare_and_put(key("late"), "v", 0, lease));
  EXPECT_FALSE(store().get(key("late")));
}

TEST_P(ConfigStoreTest, CreateIfAbsentSucceedsOnce) {
  EXPECT_FALSE(store().get(key("k")));
  EXPECT_TRUE(store().compare_and_put(key("k"), "first", 0));
  EXPECT_FALSE(store().compare_and_put(key("k"), "second", 0));
  EXPECT_EQ(store().get(key("k"))->value, "first");
}

TEST_P(ConfigStoreTest, CompareAndPutNeedsTheCurrentRevision) {
  ASSERT_TRUE(store().compare_and_put(key("k"), "1", 0));
  int64_t first = store().get(key("k"))->mod_revision;
  EXPECT_GT(first, 0);
  EXPECT_TRUE(store().compare_and_put(key("k"), "2", first));
  KeyValue now = *store().get(key("k"));
  EXPECT_GT(now.mod_revision, first);
  EXPECT_EQ(now.value, "2");
  EXPECT_EQ(now.lease, 0);

  EXPECT_FALSE(store().compare_and_put(key("k"), "3", first));
  EXPECT_FALSE(store().compare_and_put(key("absent"), "3", first));
  EXPECT_EQ(store().get(key("k"))->value, "2");
  EXPECT_FALSE(store().get(key("absent")));
}

TEST_P(ConfigStoreTest, CompareAndDeleteNeedsTheCurrentRevision) {
  int64_t first = put(key("k"), "1");
  int64_t second = put(key("k"), "2");
  EXPECT_FALSE(store().compare_and_delete(key("k"), first));
  EXPECT_TRUE(store().get(key("k")));
  EXPECT_TRUE(store().compare_and_delete(key("k"), second));
  EXPECT_FALSE(store().get(key("k")));
  EXPECT_FALSE(store().compare_and_delete(key("k"), second));
}

TEST_P(ConfigStoreTest, ListReturnsThePrefixInKeyOrder) {
  put(key("a/2"), "two");
  put(key("a/1"), "one");
  put(key("a/3"), std::string("\0\xff", 2));
  put(key("a"), "x");
  put(key("ab"), "x");
  put(key("b/1"), "x");
  std::vector<KeyValue> kvs = store().list(key("a/"));
  ASSERT_EQ(kvs.size(), 3u);
  EXPECT_EQ(kvs[0].key, key("a/1"));
  EXPECT_EQ(kvs[0].value, "one");
  EXPECT_EQ(kvs[1].key, key("a/2"));
  EXPECT_EQ(kvs[2].key, key("a/3"));
  EXPECT_EQ(kvs[2].value, std::string("\0\xff", 2));
  EXPECT_EQ(kvs[0].mod_revision, store().get(key("a/1"))->mod_revision);
  EXPECT_TRUE(store().list(key("none/")).empty());
}

TEST_P(ConfigStoreTest, WatchReportsChangesUnderItsPrefixUntilStopped) {
  Watching watching(store(), key("w/"));
  ASSERT_NO_FATAL_FAILURE(prime(watching, key("w/")));
  std::this_thread::sleep_for(50ms);  // lets the primer's callback land

  int seen = watching.calls();
  put(key("wx"), "sibling");
  put(key("other"), "x");
  EXPECT_FALSE(watching.called_after(seen, 300ms));

  int64_t revision = put(key("w/k"), "v");
  EXPECT_TRUE(watching.called_after(seen, 2s));
  seen = watching.calls();
  ASSERT_TRUE(store().compare_and_delete(key("w/k"), revision));
  EXPECT_TRUE(watching.called_after(seen, 2s));

  EXPECT_LT(watching.stop(), 1s);
  EXPECT_FALSE(watching.fails_within(0s));
}

TEST_P(ConfigStoreTest, ConcurrentIncrementsLoseNothing) {
  ASSERT_TRUE(store().compare_and_put(key("n"), "0", 0));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this] {
      for (int done = 0; done < 10;) {
        KeyValue kv = *store().get(key("n"));
        std::string next = std::to_string(std::stoi(kv.value) + 1);
        if (store().compare_and_put(key("n"), next, kv.mod_revision)) ++done;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(store().get(key("n"))->value, "40");
}

TEST(MemoryConfigStoreTest, UnavailableStoreFailsEveryCallAndWatch) {
  MemoryConfigStore store;
  int64_t lease = store.grant_lease(5);
  Watching watching(store, "w/");
  store.set_unavailable(true);
  EXPECT_THROW(store.grant_lease(5), ConfigStoreUnavailable);
  EXPECT_THROW(store.keep_alive(lease), ConfigStoreUnavailable);
  EXPECT_THROW(store.get("k"), ConfigStoreUnavailable);
  EXPECT_THROW(store.list("k"), ConfigStoreUnavailable);
  EXPECT_THROW(store.compare_and_put("k", "v", 0), ConfigStoreUnavailable);
  EXPECT_THROW(store.compare_and_delete("k", 0), ConfigStoreUnavailable);
  EXPECT_TRUE(watching.fails_within(1s));

  store.set_unavailable(false);
  EXPECT_TRUE(store.keep_alive(lease));
}

TEST(EtcdConfigStoreTest, SilentMemberThrowsWithinTwiceTheTimeout) {
  Socket silent(true);  // accepts connections into its backlog, never answers
  EtcdClient client({silent.url()}, 300);
  auto start = Clock::now();
  EXPECT_THROW(client.get("k"), ConfigStoreUnavailable);
  EXPECT_LT(Clock::now() - start, 600ms);
}

TEST(EtcdConfigStoreTest, UnavailableNamesEveryMember) {
  Socket first(false), second(false);  // bound, not listening: connections are refused
  EtcdClient client({first.url(), second.url()});
  try {
    client.compare_and_put("k", "v", 0);
    FAIL() << "no member answers";
  } catch (const ConfigStoreUnavailable& e) {
    EXPECT_NE(std::string(e.what()).find(first.url()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(second.url()), std::string::npos) << e.what();
  }
  Watching watching(client, "w/");
  EXPECT_TRUE(watching.fails_within(1s));
}

TEST(EtcdConfigStoreTest, DeadFirstMemberFallsThroughToALiveOne) {
  Socket dead(false);
  EtcdClient client({dead.url(), SharedEtcd::url()});
  const std::string k = "/test/fallthrough";
  std::optional<KeyValue> old = client.get(k);
  EXPECT_TRUE(client.compare_and_put(k, "v", old ? old->mod_revision : 0));
  EXPECT_EQ(client.get(k)->value, "v");
}

TEST(EtcdConfigStoreTest, ConnectsFromTheSourceAddress) {
  Socket silent(true);
  EtcdClient client({silent.url()}, 100, "127.0.0.21");
  EXPECT_THROW(client.get("k"), ConfigStoreUnavailable);
  EXPECT_EQ(silent.peer(), "127.0.0.21");

  EtcdClient live({SharedEtcd::url()}, 500, "127.0.0.21");
  EXPECT_NO_THROW(live.list("/test/"));
}

}  // namespace
}  // namespace ratchet
