// The fault workload against one real server process: a few seconds of
// contending writers give a history the checker finds clean, and a node that
// refuses connections only adds unknown outcomes without stopping a writer.
#include "tests/fault_workload.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>

#include "tests/child_server.h"
#include "tests/temp_dir.h"

namespace ratchet::testing {
namespace {

const std::map<std::string, std::string> kEnv{{"RATCHET_STORAGE_BACKEND", "rocksdb"},
                                              {"RATCHET_STORAGE_FSYNC", "false"},
                                              {"RATCHET_USERID_HMAC_SECRET", "s"}};

std::string url_of(int port) { return "http://127.0.0.1:" + std::to_string(port) + "/v1"; }

// A loopback port nothing listens on (bound, then released).
int closed_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

CheckReport run_for(FaultWorkload& workload, const std::vector<std::string>& read_from,
                    const WorkloadOptions& options, std::chrono::milliseconds how_long) {
  workload.start();
  std::this_thread::sleep_for(how_long);
  workload.stop();
  return check_history(workload.history().operations(), final_state(read_from, options));
}

TEST(FaultWorkload, SingleNodeHistoryIsClean) {
  TempDir dir;
  ChildServer server(RATCHET_BINARY, dir.path(), kEnv);
  WorkloadOptions options;
  options.nodes = {url_of(server.port())};
  options.collections = {"c", "d"};
  options.page_size = 7;  // 20 records: the final read follows Next-Page
  FaultWorkload workload(options);
  ASSERT_EQ(workload.prepare(), "");
  CheckReport report = run_for(workload, options.nodes, options, std::chrono::seconds(3));

  EXPECT_TRUE(report.clean()) << report.summary();
  ::testing::Test::RecordProperty("operations", std::to_string(workload.history().size()));
  ::testing::Test::RecordProperty("acknowledged", std::to_string(workload.acknowledged()));
  for (OpKind kind : {OpKind::kCreate, OpKind::kUpdate, OpKind::kDelete}) {
    EXPECT_GT(report.of(kind).ok, 0u) << kind_name(kind) << "\n" << report.summary();
    EXPECT_EQ(report.of(kind).unknown, 0u) << kind_name(kind) << "\n" << report.summary();
  }
  size_t failed = report.of(OpKind::kCreate).failed + report.of(OpKind::kUpdate).failed +
                  report.of(OpKind::kDelete).failed;
  EXPECT_GT(failed, 0u) << "writers never contended\n" << report.summary();
  NodeState state = read_node_state(options.nodes[0], options);
  EXPECT_EQ(state.collections.size(), 2u);
  ASSERT_GT(state.collections["b/c"].records.size(), 7u) << "expected several pages";

  // The same history against a tampered copy of the node: the checker sees it.
  state.collections["b/c"].records.begin()->second.value = "tampered";
  CheckReport tampered = check_history(workload.history().operations(), {state});
  EXPECT_GT(tampered.count(Check::kDurability), 0u) << tampered.summary();
  EXPECT_GT(tampered.count(Check::kOrigin), 0u) << tampered.summary();
}

TEST(FaultWorkload, UnreachableNodeGivesUnknownOutcomesAndWritersGoOn) {
  TempDir dir;
  ChildServer server(RATCHET_BINARY, dir.path(), kEnv);
  WorkloadOptions options;
  options.nodes = {url_of(server.port()), url_of(closed_port())};
  options.writers = 3;
  FaultWorkload workload(options);
  ASSERT_EQ(workload.prepare(), "");  // goes through the live node
  CheckReport report =
      run_for(workload, {options.nodes[0]}, options, std::chrono::milliseconds(2000));

  EXPECT_TRUE(report.clean()) << report.summary();
  size_t unknown = report.of(OpKind::kCreate).unknown + report.of(OpKind::kUpdate).unknown +
                   report.of(OpKind::kDelete).unknown;
  EXPECT_GT(unknown, 0u) << report.summary();
  EXPECT_GE(workload.acknowledged(), 5u) << report.summary();  // writers pause after failures
  std::vector<NodeState> both = final_state(options.nodes, options);
  EXPECT_TRUE(both[0].error.empty()) << both[0].error;
  EXPECT_FALSE(both[1].error.empty());
}

}  // namespace
}  // namespace ratchet::testing
