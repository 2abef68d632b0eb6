// The cluster under faults: three nodes (scripts/cluster, loopback, each on
// its own address) and concurrent writers with If-Match / If-None-Match
// preconditions through every node, while nodes are killed, paused and
// isolated in turn -- the shard's primary every other time. After healing,
// the history checker (tests/history_checker.h) verifies durability, no lost
// update, timestamp order, convergence and the origin of every value.
//
// CLUSTER_FAULT_SECONDS sets how long faults go on (default 40: the CI
// smoke; scripts/test --long runs 600). Isolation needs root (nftables);
// without it the isolation steps are replaced by pauses, and say so.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/child_server.h"
#include "tests/fault_workload.h"
#include "tests/history_checker.h"
#include "tests/temp_dir.h"

namespace ratchet::testing {
namespace {

using namespace std::chrono_literals;
constexpr int kNodes = 3;

class LocalCluster {
 public:
  explicit LocalCluster(std::string dir) : dir_(std::move(dir)) {
    // Below the kernel's ephemeral ports (32768 and up by default): the
    // cluster's own outgoing connections cannot take a node's port first.
    std::random_device rd;
    base_port_ = 20000 + static_cast<int>(rd() % 12000);
  }
  ~LocalCluster() { down(); }

  void down() { run("down"); }
  // The setting every node shares, as scripts/cluster wrote it.
  std::string userid_secret() const {
    std::ifstream ini(dir_ + "/node0.ini");
    const std::string key = "userid_hmac_secret = ";
    for (std::string line; std::getline(ini, line);) {
      if (line.rfind(key, 0) == 0) return line.substr(key.size());
    }
    return "";
  }
  std::string script_log() const {
    std::ifstream in(dir_ + "/script.log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  std::string data_dir(int node) const { return dir_ + "/node" + std::to_string(node) + "/data"; }

  bool up() { return run("up " + std::to_string(kNodes), "--base-port " + std::to_string(base_port_)); }
  bool act(const std::string& verb, int node) { return run(verb + " " + std::to_string(node)); }
  std::string url(int node) const {
    return "http://127.0.0.1:" + std::to_string(base_port_ + node) + "/v1";
  }
  int port(int node) const { return base_port_ + node; }

  // GET /v1/__cluster__ of `node` (null when it does not answer).
  nlohmann::json status(int node) const {
    httplib::Client c("127.0.0.1", port(node));
    c.set_connection_timeout(1, 0);
    c.set_read_timeout(2, 0);
    auto r = c.Get("/v1/__cluster__");
    if (!r || r->status != 200) return nullptr;
    return nlohmann::json::parse(r->body, nullptr, false);
  }

  // The primary as some node's record names it (-1 when none answers).
  int primary() const {
    for (int i = 0; i < kNodes; ++i) {
      auto s = status(i);
      if (!s.is_object()) continue;
      std::string name = s["shards"][0].value("primary", "");
      if (name.rfind("node", 0) == 0) return std::stoi(name.substr(4));
    }
    return -1;
  }

  // Every node answers, at the same log position, all three in sync.
  bool converged() const {
    nlohmann::json first;
    for (int i = 0; i < kNodes; ++i) {
      auto s = status(i);
      if (!s.is_object()) return false;
      auto shard = s["shards"][0];
      if (!shard.contains("in_sync") || shard["in_sync"].size() != kNodes) return false;
      if (i == 0) first = shard["position"];
      if (shard["position"] != first) return false;
    }
    return true;
  }

 private:
  bool run(const std::string& args, const std::string& extra = "") const {
    std::string cmd = std::string("CLUSTER_BIN=") + RATCHET_BINARY + " " + RATCHET_SOURCE_DIR +
                      "/scripts/cluster " + args + " --dir " + dir_ + " " + extra +
                      " >> " + dir_ + "/script.log 2>&1";
    return std::system(cmd.c_str()) == 0;
  }

  std::string dir_;
  int base_port_;
};

int fault_seconds() {
  const char* s = std::getenv("CLUSTER_FAULT_SECONDS");
  return s ? std::atoi(s) : 40;
}

TEST(ClusterFault, NoAcknowledgedWriteIsLostWhileNodesAreKilledPausedAndIsolated) {
  if (!std::filesystem::exists("/usr/bin/etcd")) GTEST_FAIL() << "etcd-server is not installed";
  bool root = geteuid() == 0;
  TempDir dir;
  LocalCluster cluster(dir.path());
  ASSERT_TRUE(cluster.up()) << "scripts/cluster up failed:\n" << cluster.script_log();

  WorkloadOptions options;
  for (int i = 0; i < kNodes; ++i) options.nodes.push_back(cluster.url(i));
  options.collections = {"c1", "c2"};
  FaultWorkload workload(options);
  ASSERT_EQ(workload.prepare(), "");
  workload.start();

  const char* kinds[] = {"kill", "pause", "isolate"};
  const char* undo[] = {"start", "resume", "heal"};
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(fault_seconds());
  int steps = 0;
  std::map<std::string, int> done;
  while (std::chrono::steady_clock::now() < end) {
    int kind = steps % 3;
    int target = steps % 2 == 0 ? cluster.primary() : (steps / 2) % kNodes;
    if (target < 0) target = steps % kNodes;
    std::string verb = kinds[kind], back = undo[kind];
    if (verb == "isolate" && !root) verb = "pause", back = "resume";
    ASSERT_TRUE(cluster.act(verb, target)) << verb << " " << target;
    std::this_thread::sleep_for(5s);
    ASSERT_TRUE(cluster.act(back, target)) << back << " " << target;
    done[verb]++;
    std::this_thread::sleep_for(4s);
    ++steps;
  }
  workload.stop();
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (!cluster.converged() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_TRUE(cluster.converged()) << "the nodes did not converge within 60 s";

  // Each node's own copy: every node forwards reads to the primary, so the
  // cluster stops and each store is opened alone, as a single node.
  cluster.down();
  std::vector<std::unique_ptr<ChildServer>> alone;
  std::vector<std::string> copies;
  for (int i = 0; i < kNodes; ++i) {
    alone.push_back(std::make_unique<ChildServer>(
        RATCHET_BINARY, cluster.data_dir(i),
        std::map<std::string, std::string>{{"RATCHET_CLUSTER_ETCD", ""},
                                           {"RATCHET_USERID_HMAC_SECRET", cluster.userid_secret()},
                                           {"RATCHET_LOG_LEVEL", "info"}}));
    copies.push_back("http://127.0.0.1:" + std::to_string(alone.back()->port()) + "/v1");
  }
  CheckReport report = check_history(workload.history().operations(),
                                     final_state(copies, options));
  std::cout << "fault run: " << fault_seconds() << " s of faults, kills " << done["kill"]
            << ", pauses " << done["pause"] << ", isolations " << done["isolate"]
            << (root ? "" : " (not root: no isolation)") << "\n"
            << report.summary() << std::endl;
  EXPECT_TRUE(report.clean()) << report.summary();
  EXPECT_GT(report.of(OpKind::kUpdate).ok + report.of(OpKind::kCreate).ok, 100u)
      << "too few acknowledged writes to say anything";
}

}  // namespace
}  // namespace ratchet::testing
