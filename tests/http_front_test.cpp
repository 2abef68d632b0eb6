// The HTTP front against the connections an attacker opens (RFC 9112):
// idle, slow and half-sent connections hold nothing others need; pipelined
// requests are all answered in order; malformed framing, oversized heads
// and bodies, unknown transfer codings and methods get their statuses and
// change nothing; the connection cap and the head deadline hold. Time
// bounds here are generous ("answered at all"), not benchmarks.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "tests/http_helpers.h"
#include "tests/raw_socket.h"

namespace ratchet::testing {
namespace {

using namespace std::chrono_literals;

std::string get(const std::string& path, const std::string& extra = "") {
  return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
}

std::string put_bucket(const std::string& id, const std::string& framing, const std::string& body) {
  return "PUT /v1/buckets/" + id + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " +
         basic_auth("alice") + "\r\nContent-Type: application/json\r\n" + framing + "\r\n" + body;
}

::testing::AssertionResult RefusedAndClosed(RawSocket& s, int status, int errno_) {
  auto r = s.response();
  if (!r) return ::testing::AssertionFailure() << "no answer";
  Reply reply{r->status, {}, r->body};
  if (auto e = IsError(reply, status, errno_); !e) return e;
  if (r->header("Connection") != "close") return ::testing::AssertionFailure() << "not closing";
  if (!s.closed_within(5s)) return ::testing::AssertionFailure() << "connection left open";
  return ::testing::AssertionSuccess();
}

TEST(HttpFront, SlowAndIdleConnectionsDoNotStopOthers) {
  TestServer s([](Settings& st, Registry&) { st.http_threads = 8; });
  ASSERT_EQ(s.request("PUT", "/v1/buckets/b", "{}", "alice").status, 201);
  // Far more connections than threads: idle, half-sent heads, half-sent
  // bodies, and heads dripping a byte at a time.
  std::vector<std::unique_ptr<RawSocket>> held;
  for (int i = 0; i < 400; ++i) {
    held.push_back(std::make_unique<RawSocket>(s.port()));
    if (i % 4 == 1) held.back()->send("GET /v1/ HTTP/1.1\r\nHost: x\r\n");
    if (i % 4 == 2) held.back()->send(put_bucket("slow", "Content-Length: 100\r\n", "{"));
  }
  for (int round = 0; round < 3; ++round) {
    for (size_t i = 3; i < held.size(); i += 4) held[i]->send("G");
    auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(s.get("/v1/__lbheartbeat__").status, 200);
    EXPECT_EQ(s.get("/v1/buckets/b", "alice").status, 200);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  }
}

TEST(HttpFront, IncompleteHeadIsClosedAtItsDeadline) {
  TestServer s([](Settings& st, Registry&) { st.http_header_timeout_seconds = 1; });
  RawSocket slow(s.port());
  ASSERT_TRUE(slow.send("GET /v1/ HTTP/1.1\r\nHost: x\r\n"));
  auto start = std::chrono::steady_clock::now();
  auto r = slow.response(10s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 408);
  EXPECT_TRUE(slow.closed_within(5s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  // A connection that never sends a byte is closed too.
  RawSocket silent(s.port());
  EXPECT_TRUE(silent.closed_within(10s));
}

TEST(HttpFront, AHeadDrippingWithoutPauseStillEndsAtItsDeadline) {
  TestServer s([](Settings& st, Registry&) { st.http_header_timeout_seconds = 1; });
  RawSocket drip(s.port());
  ASSERT_TRUE(drip.send("GET /v1/ HTTP/1.1\r\nHost: x\r\nX-Drip: "));
  std::atomic<bool> stop{false};
  std::thread dripper([&] {
    for (int i = 0; i < 6000 && !stop && drip.send("a"); ++i) std::this_thread::sleep_for(1ms);
  });
  auto start = std::chrono::steady_clock::now();
  auto r = drip.response(10s);
  stop = true;
  dripper.join();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 408);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(HttpFront, IdleKeepAliveIsClosed) {
  TestServer s([](Settings& st, Registry&) { st.http_keepalive_seconds = 1; });
  RawSocket c(s.port());
  ASSERT_TRUE(c.send(get("/v1/__lbheartbeat__")));
  ASSERT_TRUE(c.response());
  EXPECT_TRUE(c.closed_within(10s));
}

TEST(HttpFront, ConnectionsBeyondTheCapAreRefusedAtOnce) {
  TestServer s([](Settings& st, Registry&) { st.http_max_connections = 5; });
  std::vector<std::unique_ptr<RawSocket>> held;
  for (int i = 0; i < 5; ++i) held.push_back(std::make_unique<RawSocket>(s.port()));
  // Let the server accept them all before the one too many.
  for (int i = 0; i < 100 && s.server().listener().connections() < 5; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  RawSocket extra(s.port());
  EXPECT_TRUE(extra.closed_within(5s));
  // The ones inside still work; once they leave, others get in again.
  ASSERT_TRUE(held[0]->send(get("/v1/__lbheartbeat__")));
  auto r = held[0]->response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  held.clear();
  for (int i = 0; i < 100 && s.server().listener().connections() > 0; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(s.get("/v1/__lbheartbeat__").status, 200);
}

TEST(HttpFront, PipelinedRequestsAreAllAnsweredInOrder) {
  TestServer s;
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(s.request("PUT", "/v1/buckets/b" + std::to_string(i), "{}", "alice").status, 201);
  }
  std::string all;
  for (int i = 0; i < 100; ++i) {
    all += get("/v1/buckets/b" + std::to_string(i % 3), "Authorization: " + basic_auth("alice") + "\r\n");
  }
  RawSocket c(s.port());
  ASSERT_TRUE(c.send(all));
  for (int i = 0; i < 100; ++i) {
    auto r = c.response();
    ASSERT_TRUE(r) << "answer " << i;
    ASSERT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(Json::parse(r->body)["data"]["id"], "b" + std::to_string(i % 3)) << "answer " << i;
  }
}

TEST(HttpFront, MalformedContentLengthIs400AndCloses) {
  TestServer s;
  for (std::string framing : {"Content-Length: abc\r\n", "Content-Length: 2\r\nContent-Length: 3\r\n",
                              "Content-Length: -2\r\n",
                              "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n"}) {
    SCOPED_TRACE(framing);
    RawSocket c(s.port());
    ASSERT_TRUE(c.send(put_bucket("framed", framing, "{}")));
    EXPECT_TRUE(RefusedAndClosed(c, 400, 107));
  }
  EXPECT_EQ(s.get("/v1/buckets/framed", "alice").status, 403);  // nothing was created
}

TEST(HttpFront, UnknownTransferCodingIs501) {
  TestServer s;
  RawSocket c(s.port());
  ASSERT_TRUE(c.send(put_bucket("gz", "Transfer-Encoding: gzip, chunked\r\n", "2\r\n{}\r\n0\r\n\r\n")));
  EXPECT_TRUE(RefusedAndClosed(c, 501, 999));
  RawSocket last(s.port());  // chunked must come last
  ASSERT_TRUE(last.send(put_bucket("gz", "Transfer-Encoding: chunked, gzip\r\n", "{}")));
  EXPECT_TRUE(RefusedAndClosed(last, 400, 107));
  EXPECT_EQ(s.get("/v1/buckets/gz", "alice").status, 403);
}

TEST(HttpFront, ChunkedBodiesAreReadAndHeldToTheLimit) {
  TestServer s([](Settings& st, Registry&) { st.max_body_bytes = 1024; });
  RawSocket ok(s.port());
  ASSERT_TRUE(ok.send(put_bucket("chunky", "Transfer-Encoding: chunked\r\n",
                                 "1\r\n{\r\n1\r\n}\r\n0\r\n\r\n")));
  auto r = ok.response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201) << r->body;

  // Many small chunks past the limit, and one chunk announced too large:
  // 413 before the whole body is read; nothing stored.
  std::string many = "{\"data\":{\"x\":\"";
  for (int i = 0; i < 2000; ++i) many += "a";
  many += "\"}}";
  std::string chunks;
  for (char c : many) chunks += std::string("1\r\n") + c + "\r\n";
  RawSocket small(s.port());
  ASSERT_TRUE(small.send(put_bucket("big", "Transfer-Encoding: chunked\r\n", chunks + "0\r\n\r\n")));
  EXPECT_TRUE(RefusedAndClosed(small, 413, 113));
  RawSocket huge(s.port());
  ASSERT_TRUE(huge.send(put_bucket("big", "Transfer-Encoding: chunked\r\n", "4000000\r\n{")));
  EXPECT_TRUE(RefusedAndClosed(huge, 413, 113));
  RawSocket length(s.port());
  ASSERT_TRUE(length.send(put_bucket("big", "Content-Length: 999999999\r\n", "{")));
  EXPECT_TRUE(RefusedAndClosed(length, 413, 113));
  EXPECT_EQ(s.get("/v1/buckets/big", "alice").status, 403);
}

TEST(HttpFront, TooManyHeaderFieldsAre431) {
  TestServer s;
  std::string many;
  for (int i = 0; i < 400000; ++i) many += "X-A: b\r\n";
  RawSocket c(s.port());
  // Sent while the answer is read: the server answers and closes early.
  std::thread sending([&] { c.send(get("/v1/", many)); });
  EXPECT_TRUE(RefusedAndClosed(c, 431, 107));
  sending.join();
  std::string fields;
  for (int i = 0; i < 300; ++i) fields += "X-" + std::to_string(i) + ": b\r\n";
  RawSocket counted(s.port());
  ASSERT_TRUE(counted.send(get("/v1/", fields)));
  EXPECT_TRUE(RefusedAndClosed(counted, 431, 107));
}

TEST(HttpFront, InvalidRequestLinesAre400AndClose) {
  TestServer s;
  for (std::string line : {"GARBAGE\r\n\r\n", "GET /v1/\r\n\r\n", "GET  /v1/ HTTP/1.1\r\n\r\n",
                           "GET v1 HTTP/1.1\r\nHost: x\r\n\r\n",
                           "GET /v1/ HTTP/1.1\r\n\r\n",  // no Host
                           "GET /v1/ HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
                           "GET /v1/ HTTP/1.1\r\nHost: a b\r\n\r\n",
                           "GET /v1/ HTTP/2.0\r\nHost: x\r\n\r\n"}) {
    SCOPED_TRACE(line);
    RawSocket c(s.port());
    ASSERT_TRUE(c.send(line));
    EXPECT_TRUE(RefusedAndClosed(c, 400, 107));
  }
}

TEST(HttpFront, UnknownMethodsAre405NeverRedirected) {
  TestServer s;
  struct Case {
    std::string method, path, allow;
  };
  for (const Case& c :
       std::vector<Case>{{"FOO", "/", "GET, HEAD, OPTIONS"},
                         {"PROPFIND", "/v1/buckets", "GET, HEAD, POST, DELETE, OPTIONS"},
                         {"FOO", "/v1/buckets/", "GET, HEAD, POST, DELETE, OPTIONS"},
                         {"PROPFIND", "/v1/buckets/b", "GET, HEAD, PUT, PATCH, DELETE, OPTIONS"}}) {
    SCOPED_TRACE(c.method + " " + c.path);
    RawSocket raw(s.port());
    ASSERT_TRUE(raw.send(c.method + " " + c.path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    auto r = raw.response();
    ASSERT_TRUE(r);
    EXPECT_TRUE(IsError(Reply{r->status, {}, r->body}, 405, 115));
    EXPECT_EQ(r->header("Allow"), c.allow);
    EXPECT_EQ(r->header("Location"), "");
  }
}

TEST(HttpFront, LongTargetsAre414AndLongBatchPaths400) {
  TestServer s;
  RawSocket c(s.port());
  ASSERT_TRUE(c.send(get("/v1/buckets?" + std::string(kMaxTargetBytes, 'a'))));
  EXPECT_TRUE(RefusedAndClosed(c, 414, 107));
  Json batch = {{"requests", {{{"path", "/buckets?" + std::string(kMaxTargetBytes, 'a')}}}}};
  EXPECT_TRUE(IsError(s.request("POST", "/v1/batch", batch.dump(), "alice"), 400, 107));
}

// Redirects and Next-Page carry the path percent-encoded, so that following
// them reaches the same object (a batch follows one redirect itself).
TEST(HttpFront, UrlsInHeadersAreEncoded) {
  TestServer s;
  ASSERT_EQ(s.request("PUT", "/v1/buckets/b", "{}", "alice").status, 201);
  ASSERT_EQ(s.request("PUT", "/v1/buckets/b/collections/c", "{}", "alice").status, 201);
  RawSocket c(s.port());  // cpp-httplib's client would decode Location
  ASSERT_TRUE(c.send(get("/v1/buckets/b/collections/a%20b%25c/")));
  auto r = c.response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 307);
  EXPECT_EQ(r->header("Location"), "http://127.0.0.1/v1/buckets/b/collections/a%20b%25c");
  Json batch = {{"requests", {{{"path", "/buckets/b/collections/c%2541/"}}}}};
  Reply followed = s.request("POST", "/v1/batch", batch.dump(), "alice");
  ASSERT_EQ(followed.status, 200) << followed.body;
  EXPECT_EQ(followed.json()["responses"][0]["path"], "/v1/buckets/b/collections/c%41");
}

TEST(HttpFront, ExpectContinueGetsAnInterimAnswer) {
  TestServer s;
  RawSocket c(s.port());
  ASSERT_TRUE(c.send(put_bucket("later", "Expect: 100-continue\r\nContent-Length: 2\r\n", "")));
  auto interim = c.response();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(c.send("{}"));
  auto r = c.response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201) << r->body;
}

TEST(HttpFront, ExpectContinueWithTheBodyAlreadySentIsAnsweredAtOnce) {
  TestServer s;
  RawSocket c(s.port());
  ASSERT_TRUE(c.send(put_bucket("eager", "Expect: 100-continue\r\nContent-Length: 2\r\n", "{}")));
  auto r = c.response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201) << r->body;
}

TEST(HttpFront, Http10IsAnsweredAndClosed) {
  TestServer s;
  RawSocket c(s.port());
  ASSERT_TRUE(c.send("GET /v1/__lbheartbeat__ HTTP/1.0\r\n\r\n"));
  auto r = c.response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->version, 10);
  EXPECT_TRUE(c.closed_within(5s));
}

}  // namespace
}  // namespace ratchet::testing
