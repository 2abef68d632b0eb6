// Acknowledged writes survive kill -9: a real server process writing with
// storage_fsync on is killed mid-stream, restarted on the same data, and
// every write it acknowledged is read back.
#include <gtest/gtest.h>
#include <signal.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "ratchet/json.h"
#include "tests/child_server.h"
#include "tests/test_server.h"

namespace ratchet {
namespace {

using testing::basic_auth;
using testing::ChildServer;
using testing::TempDir;

const std::map<std::string, std::string> kEnv{{"RATCHET_STORAGE_BACKEND", "rocksdb"},
                                              {"RATCHET_STORAGE_FSYNC", "true"},
                                              {"RATCHET_USERID_HMAC_SECRET", "s"},
                                              {"RATCHET_LOG_LEVEL", "info"}};

httplib::Headers auth() { return {{"Authorization", basic_auth("alice")}}; }

// A write into a socket whose peer has gone raises SIGPIPE; the node must
// live on (a cluster node died so, silently, writing to etcd).
TEST(Durability, SigpipeDoesNotStopTheNode) {
  TempDir dir;
  ChildServer server(RATCHET_BINARY, dir.path(), kEnv);
  ASSERT_EQ(::kill(server.pid(), SIGPIPE), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // delivered by now
  httplib::Client client("127.0.0.1", server.port());
  httplib::Result r = client.Get("/v1/__lbheartbeat__");
  ASSERT_TRUE(r) << "the node died of SIGPIPE";
  EXPECT_EQ(r->status, 200);
}

TEST(Durability, AcknowledgedWritesSurviveSigkill) {
  TempDir dir;
  std::vector<std::string> acked;
  {
    ChildServer server(RATCHET_BINARY, dir.path(), kEnv);
    httplib::Client setup("127.0.0.1", server.port());
    ASSERT_EQ(setup.Put("/v1/buckets/b", auth(), "{}", "application/json")->status, 201);
    ASSERT_EQ(setup.Put("/v1/buckets/b/collections/c", auth(), "{}", "application/json")->status,
              201);

    std::mutex mu;
    std::atomic<bool> killed{false};
    std::vector<std::thread> writers;
    for (int t = 0; t < 8; ++t) {
      writers.emplace_back([&, t] {
        httplib::Client client("127.0.0.1", server.port());
        client.set_read_timeout(5);
        for (int i = 0; !killed; ++i) {
          std::string id = "w" + std::to_string(t) + "-" + std::to_string(i);
          auto res = client.Put(("/v1/buckets/b/collections/c/records/" + id).c_str(), auth(),
                                R"({"data":{"n":)" + std::to_string(i) + "}}", "application/json");
          if (!res) continue;  // the server died under this request: not acknowledged
          if (res->status == 201) {
            std::lock_guard<std::mutex> lock(mu);
            acked.push_back(id);
          }
        }
      });
    }
    // Kill once a good number of writes were acknowledged, while writers run.
    while (true) {
      std::this_thread::yield();
      std::lock_guard<std::mutex> lock(mu);
      if (acked.size() >= 2000) break;
    }
    server.kill_hard();
    killed = true;
    for (auto& w : writers) w.join();
  }
  ASSERT_GE(acked.size(), 2000u);

  ChildServer restarted(RATCHET_BINARY, dir.path(), kEnv);
  httplib::Client client("127.0.0.1", restarted.port());
  size_t missing = 0;
  for (const auto& id : acked) {
    auto res = client.Get(("/v1/buckets/b/collections/c/records/" + id).c_str(), auth());
    if (!res || res->status != 200) ++missing;
  }
  EXPECT_EQ(missing, 0u) << "of " << acked.size() << " acknowledged writes";
  auto head = client.Head("/v1/buckets/b/collections/c/records", auth());
  ASSERT_TRUE(head);
  EXPECT_GE(std::stoul(head->get_header_value("Total-Records")), acked.size());
}

}  // namespace
}  // namespace ratchet
