// ratchet-bench against a real ratchet node (memory engine) and against the
// ceiling server. No assertion on speed: only that the counts add up and the
// answers are what the protocol promises.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>

#include <chrono>
#include <mutex>
#include <sstream>
#include <thread>

#include "bench/ceiling.h"
#include "bench/client.h"
#include "bench/command.h"
#include "bench/compare.h"
#include "bench/side.h"
#include "tests/test_server.h"

namespace bench {
namespace {

Options options_for(const std::string& origin, const std::string& workload, double seconds) {
  ParseOutcome parsed = parse_options({workload, "--url", origin + "/v1", "--connections", "4", "--threads", "2",
                                       "--duration", std::to_string(seconds), "--warmup", "0.2", "--prefill",
                                       "60", "--quiet", "--users", "2"});
  EXPECT_TRUE(parsed.options) << parsed.message;
  return *parsed.options;
}

uint64_t sum(const std::map<int, uint64_t>& counts) {
  uint64_t total = 0;
  for (const auto& [status, n] : counts) total += n;
  return total;
}

class Bench : public ::testing::Test {
 protected:
  ratchet::testing::TestServer server;
};

TEST_F(Bench, ReadOneForTwoSecondsCountsAddUpAndAllAre2xx) {
  Options o = options_for(server.origin(), "read-one", 2);
  std::ostringstream notes;
  Side side = prepare_side(o.urls, o, notes);
  ASSERT_TRUE(side.fixture->kinto);
  ASSERT_EQ(side.fixture->records.size(), 60u);
  for (const auto& r : side.fixture->records) EXPECT_GT(r.last_modified, 0);
  Stats s = side.run(plan_from(o));
  EXPECT_GT(s.requests, 0u);
  EXPECT_EQ(s.requests, s.successes + s.errors);
  EXPECT_EQ(s.errors, 0u) << s.first_error;
  EXPECT_EQ(sum(s.statuses), s.requests);
  for (const auto& [status, n] : s.statuses) EXPECT_TRUE(status >= 200 && status <= 299) << status;
  EXPECT_EQ(s.latency.count(), s.requests);
  EXPECT_EQ(s.operations, s.requests);
  EXPECT_GT(s.latency.max(), 0u);
  EXPECT_DOUBLE_EQ(s.seconds, 2.0);
  side.finish(false);
  // The bucket is gone afterwards.
  Client client(o.urls.front());
  Request list;
  list.target = "/v1/buckets";
  Response buckets = client.send(list, side.fixture->authorizations[0]);
  ASSERT_EQ(buckets.status, 200);
  EXPECT_EQ(buckets.body.find(side.fixture->bucket), std::string::npos) << buckets.body;
}

TEST_F(Bench, EveryWorkloadRunsWithoutErrors) {
  for (const std::string name : {"read-list", "create", "update", "sync", "batch", "heartbeat"}) {
    Options o = options_for(server.origin(), name, 0.5);
    std::ostringstream notes;
    Side side = prepare_side(o.urls, o, notes);
    Stats s = side.run(plan_from(o));
    side.finish(false);
    EXPECT_GT(s.requests, 0u) << name;
    EXPECT_EQ(s.requests, s.successes + s.errors) << name;
    EXPECT_EQ(s.errors, 0u) << name << ": " << s.first_error;
    for (const auto& [status, n] : s.statuses) {
      bool expected = (status >= 200 && status <= 299) || (name == "update" && status == 412);
      EXPECT_TRUE(expected) << name << " " << status;
    }
    if (name == "update") {
      EXPECT_EQ(s.statuses[412], s.retries);  // every conflict was retried
    }
    if (name == "batch") {
      EXPECT_EQ(sum(s.sub_statuses), s.requests * 25);
      EXPECT_EQ(s.sub_statuses[201], s.requests * 25);
    }
  }
}

TEST(BenchSync, APullFollowsNextPageThenPollsSinceTheLastETag) {
  ratchet::testing::TestServer paged([](ratchet::Settings& s, ratchet::Registry&) { s.paginate_by = 25; });
  Options o = options_for(paged.origin(), "sync", 0.5);
  std::ostringstream notes;
  Side side = prepare_side(o.urls, o, notes);
  // A client that never synced: no _since, so the pull walks every page.
  auto session = make_workload(o, *side.fixture, 0)->session(0, 1);
  Client client(o.urls.front());
  Request request = session->begin();
  EXPECT_EQ(request.target.find("_since"), std::string::npos);
  EXPECT_NE(request.target.find("_sort=-last_modified"), std::string::npos);
  int pages = 0;
  size_t records = 0;
  std::string last_etag;
  for (;;) {
    Response response = client.send(request);
    ++pages;
    ASSERT_EQ(response.status, 200) << response.body;
    records += nlohmann::json::parse(response.body)["data"].size();
    last_etag = response.header("etag");
    Step step = session->next(response);
    ASSERT_TRUE(step.success) << step.error;
    if (!step.follow_up) break;
    request = *step.follow_up;
    EXPECT_NE(request.target.find("_token="), std::string::npos) << request.target;
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(pages, 3);  // 60 records, 25 a page
  EXPECT_EQ(records, 60u);
  // The next poll asks for what changed since the last page's ETag.
  Request poll = session->begin();
  EXPECT_NE(poll.target.find("_since=" + std::to_string(parse_etag(last_etag))), std::string::npos) << poll.target;
  // Under load, every poll is one operation of one page or more.
  Stats s = side.run(plan_from(o));
  side.finish(false);
  EXPECT_EQ(s.errors, 0u) << s.first_error;
  EXPECT_GT(s.operations, 0u);
  EXPECT_GE(s.requests, s.operations);
}

TEST(BenchSync, NextPageIsFollowedOnTheNodeOfTheSession) {
  // Each node of a cluster names itself in Next-Page (from the Host header):
  // the session of connection 1, on the second node, follows its links and
  // refuses those to another server.
  ParseOutcome parsed = parse_options({"sync", "--url", "http://127.0.0.1:1/v1,http://127.0.0.1:2/v1"});
  ASSERT_TRUE(parsed.options) << parsed.message;
  Fixture f;
  f.url = parsed.options->urls[0];
  f.nodes = parsed.options->urls;
  auto session = make_workload(*parsed.options, f, 0)->session(1, 1);
  std::string records = "/v1/buckets//collections/items/records?_token=t";
  Response page;
  page.status = 200;
  page.headers = {{"next-page", "http://127.0.0.1:2" + records}};
  session->begin();
  Step step = session->next(page);
  ASSERT_TRUE(step.success) << step.error;
  ASSERT_TRUE(step.follow_up);
  EXPECT_EQ(step.follow_up->target, records);
  page.headers = {{"next-page", "http://127.0.0.1:1" + records}};
  session->begin();
  EXPECT_EQ(session->next(page).error_kind, "Next-Page on another server");
}

TEST_F(Bench, OpenLoopCountsAddUp) {
  Options o = options_for(server.origin(), "read-one", 1);
  o.rate = 200;
  std::ostringstream notes;
  Side side = prepare_side(o.urls, o, notes);
  Stats s = side.run(plan_from(o));
  side.finish(false);
  EXPECT_EQ(s.requests, s.successes + s.errors);
  EXPECT_EQ(s.errors, 0u) << s.first_error;
  // 200/s for one second: the schedule, not the server, sets the count.
  EXPECT_NEAR(static_cast<double>(s.requests + s.unsent), 200.0, 2.0);
}

TEST_F(Bench, CommandPrintsAReportAndJson) {
  Options o = options_for(server.origin(), "mixed", 0.5);
  o.mix = {{"read-one", 5}, {"read-list", 1}, {"create", 1}, {"sync", 1}, {"batch", 1}, {"heartbeat", 1}};
  o.json = true;
  std::ostringstream out, err;
  EXPECT_EQ(run_command(o, out, err), 0) << err.str();
  auto j = nlohmann::json::parse(out.str());
  EXPECT_EQ(j["requests"].get<uint64_t>(), j["successes"].get<uint64_t>() + j["errors"].get<uint64_t>());
  EXPECT_EQ(j["errors"], 0);
  EXPECT_TRUE(j["latency_ms"].contains("p99_9"));
  o.json = false;
  std::ostringstream text;
  EXPECT_EQ(run_command(o, text, err), 0) << err.str();
  EXPECT_NE(text.str().find("latency ms"), std::string::npos);
}

TEST_F(Bench, CompareAgainstTheCeilingAlternatesRounds) {
  CeilingServer ceiling;
  int port = ceiling.bind("127.0.0.1", 0);
  ASSERT_GT(port, 0);
  std::thread serving([&] { ceiling.run(); });
  Options o = options_for(server.origin(), "read-one", 1);
  o.compare = {*parse_url("http://127.0.0.1:" + std::to_string(port) + "/v1", nullptr)};
  o.round = 0.25;
  o.json = true;
  std::ostringstream out, err;
  int code = run_command(o, out, err);
  ceiling.stop();
  serving.join();
  EXPECT_EQ(code, 0) << err.str();
  EXPECT_NE(err.str().find("does not speak Kinto"), std::string::npos);
  auto j = nlohmann::json::parse(out.str());
  EXPECT_EQ(j["rounds_a"].size(), 4u);
  EXPECT_EQ(j["rounds_b"].size(), 4u);
  EXPECT_GT(j["b"]["requests"].get<uint64_t>(), 0u);
  EXPECT_EQ(j["a"]["errors"], 0);
  EXPECT_EQ(j["b"]["errors"], 0);
  EXPECT_TRUE(j["ratio"]["requests_per_s"].is_number());
}

// A plain HTTP server standing for one node of a cluster: it answers every
// GET with {} and notes the Host header and target of each request.
class NoteTaker {
 public:
  NoteTaker() {
    server_.Get(".*", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex_);
      ++seen_[req.get_header_value("Host") + " " + req.path];
      res.set_content("{}", "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    serving_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~NoteTaker() {
    server_.stop();
    serving_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }
  std::string authority() const { return "127.0.0.1:" + std::to_string(port_); }
  std::map<std::string, int> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  httplib::Server server_;
  std::mutex mutex_;
  std::map<std::string, int> seen_;
  int port_ = 0;
  std::thread serving_;
};

TEST(BenchCluster, ConnectionsAreSpreadOverTheNodesOfAList) {
  NoteTaker a, b;
  ParseOutcome parsed = parse_options({"heartbeat", "--url", a.url() + "," + b.url(), "--connections", "4",
                                       "--threads", "2", "--duration", "0.3", "--warmup", "0", "--quiet"});
  ASSERT_TRUE(parsed.options) << parsed.message;
  std::ostringstream notes;
  Side side = prepare_side(parsed.options->urls, *parsed.options, notes);
  Stats s = side.run(plan_from(*parsed.options));
  EXPECT_EQ(s.errors, 0u) << s.first_error;
  // Set-up (the hello) on the first node only; the load on both, each
  // request with the Host of the node it went to.
  std::map<std::string, int> on_a = a.seen(), on_b = b.seen();
  EXPECT_EQ(on_a.count(a.authority() + " /v1/"), 1u);
  EXPECT_EQ(on_b.count(b.authority() + " /v1/"), 0u);
  EXPECT_GT(on_a[a.authority() + " /v1/__heartbeat__"], 0);
  EXPECT_GT(on_b[b.authority() + " /v1/__heartbeat__"], 0);
  EXPECT_EQ(on_a.size() + on_b.size(), 3u);  // no other Host, no other target
  RunInfo info = RunInfo::from(*parsed.options, describe(parsed.options->urls), 0);
  EXPECT_NE(text_report(info, s).find(a.url() + " + 1 more"), std::string::npos);
}

TEST(BenchOpenLoop, QueueingBehindASlowServerIsCharged) {
  // Every answer takes at least 200 ms and there is one connection, while
  // the schedule asks for 50 requests/s: requests queue, and their latency
  // counts from when they were meant to go, not from when they went. (This
  // asserts lower bounds that follow from the sleep, not speed.)
  httplib::Server slow;
  slow.Get(".*", [](const httplib::Request&, httplib::Response& res) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    res.set_content("{}", "application/json");
  });
  int port = slow.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { slow.listen_after_bind(); });
  ParseOutcome parsed = parse_options({"heartbeat", "--url", "http://127.0.0.1:" + std::to_string(port) + "/v1",
                                       "--connections", "1", "--rate", "50", "--duration", "1", "--warmup", "0",
                                       "--timeout", "5", "--quiet"});
  ASSERT_TRUE(parsed.options) << parsed.message;
  std::ostringstream notes;
  Side side = prepare_side(parsed.options->urls, *parsed.options, notes);
  Stats s = side.run(plan_from(*parsed.options));
  slow.stop();
  serving.join();
  EXPECT_EQ(s.errors, 0u) << s.first_error;
  ASSERT_GE(s.requests, 2u);
  EXPECT_LE(s.requests, 6u);
  EXPECT_NEAR(static_cast<double>(s.requests + s.unsent), 50.0, 1.0);
  // The second request was meant for 20 ms and could only be answered at
  // 400 ms or later: the last answered waited longer still.
  EXPECT_GE(s.latency.max(), static_cast<uint64_t>((s.requests * 200 - (s.requests - 1) * 20) * 1000000ULL) - 1000000);
  EXPECT_GE(s.latency.percentile(50), 200'000'000u);
  RunInfo info = RunInfo::from(*parsed.options, describe(parsed.options->urls), 0);
  EXPECT_NE(text_report(info, s).find("NOT SENT"), std::string::npos);
}

TEST(BenchErrors, UnreachableServer) {
  // A port that was just free: nothing listens there.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  int port = ntohs(address.sin_port);
  ::close(fd);
  ParseOutcome parsed = parse_options({"read-one", "--url", "http://127.0.0.1:" + std::to_string(port) + "/v1",
                                       "--quiet", "--timeout", "2s"});
  ASSERT_TRUE(parsed.options);
  std::ostringstream out, err;
  EXPECT_EQ(run_command(*parsed.options, out, err), 3);
  EXPECT_NE(err.str().find("cannot connect to 127.0.0.1"), std::string::npos) << err.str();
}

TEST(BenchErrors, UnresolvableHost) {
  ParseOutcome parsed = parse_options({"read-one", "--url", "http://no-such-host.invalid/v1", "--quiet"});
  ASSERT_TRUE(parsed.options);
  std::ostringstream out, err;
  EXPECT_EQ(run_command(*parsed.options, out, err), 3);
  EXPECT_NE(err.str().find("cannot resolve host"), std::string::npos) << err.str();
}

TEST_F(Bench, ServerAnswering4xxAtSetUpIsAClearError) {
  // /v2 is not an API version ratchet serves: its hello answers 404.
  Options o = options_for(server.origin(), "read-one", 1);
  o.urls.front().base = "/v2";
  std::ostringstream out, err;
  EXPECT_EQ(run_command(o, out, err), 3);
  EXPECT_NE(err.str().find("GET /v2/ answered 404"), std::string::npos) << err.str();
}

TEST_F(Bench, ErrorsDuringTheRunAreCountedAndShown) {
  // Reading records that do not exist: every answer is a 404, and each one
  // is an error in the counts, the report and the exit code.
  Options o = options_for(server.origin(), "read-one", 0.5);
  std::ostringstream notes;
  Side side = prepare_side(o.urls, o, notes);
  for (auto& r : side.fixture->records) r.id = "missing";
  Stats s = side.run(plan_from(o));
  side.finish(false);
  EXPECT_GT(s.errors, 0u);
  EXPECT_EQ(s.successes, 0u);
  EXPECT_EQ(s.requests, s.errors);
  EXPECT_EQ(s.statuses[404], s.requests);
  EXPECT_EQ(s.error_kinds["status 404"], s.errors);
  EXPECT_NE(s.first_error.find("answered 404"), std::string::npos) << s.first_error;
  RunInfo info = RunInfo::from(o, describe(o.urls), 60);
  EXPECT_NE(text_report(info, s).find("ERRORS"), std::string::npos);
}

TEST_F(Bench, WorkloadNeedingRecordsRefusesAnEmptyPrefill) {
  Options o = options_for(server.origin(), "update", 1);
  o.prefill = 0;
  std::ostringstream out, err;
  EXPECT_EQ(run_command(o, out, err), 2);
  EXPECT_NE(err.str().find("--prefill 1 or more"), std::string::npos) << err.str();
}

}  // namespace
}  // namespace bench
