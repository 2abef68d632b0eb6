#include "bench/http_message.h"

#include <gtest/gtest.h>

#include "bench/client.h"
#include "bench/fixture.h"
#include "bench/url.h"

namespace bench {
namespace {

// Feeds `wire` in pieces of `step` bytes.
ResponseParser parse(const std::string& wire, const std::string& method = "GET", size_t step = 1000000) {
  ResponseParser p;
  p.reset(method);
  for (size_t i = 0; i < wire.size() && p.state() == ResponseParser::State::incomplete; i += step)
    p.feed(std::string_view(wire).substr(i, step));
  return p;
}

TEST(HttpMessage, SerializesARequest) {
  Request r;
  r.method = "PUT";
  r.target = "/v1/buckets/b";
  r.headers.emplace_back("If-Match", "\"12\"");
  r.body = "{}";
  std::string wire = r.serialize("127.0.0.1:8888", "Basic eDp5");
  EXPECT_EQ(wire.rfind("PUT /v1/buckets/b HTTP/1.1\r\nHost: 127.0.0.1:8888\r\n", 0), 0u);
  EXPECT_NE(wire.find("Authorization: Basic eDp5\r\n"), std::string::npos);
  EXPECT_NE(wire.find("If-Match: \"12\"\r\n"), std::string::npos);
  EXPECT_NE(wire.find("Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"), std::string::npos);
}

TEST(HttpMessage, ParsesContentLengthInAnyPieces) {
  std::string wire = "HTTP/1.1 201 Created\r\nETag: \"42\"\r\nContent-Length: 11\r\n\r\n{\"data\":{}}";
  for (size_t step : {1, 2, 7, 1000}) {
    ResponseParser p = parse(wire, "POST", step);
    ASSERT_EQ(p.state(), ResponseParser::State::complete) << step;
    EXPECT_EQ(p.response().status, 201);
    EXPECT_EQ(p.response().header("etag"), "\"42\"");
    EXPECT_EQ(p.response().header("ETag"), "\"42\"");
    EXPECT_EQ(p.response().body, "{\"data\":{}}");
    EXPECT_FALSE(p.response().close);
    EXPECT_EQ(p.bytes(), wire.size());
  }
}

TEST(HttpMessage, ParsesChunkedBodies) {
  std::string wire = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n9;ext=1\r\n:[1,2,3]}\r\n0\r\n\r\n";
  for (size_t step : {1, 3, 1000}) {
    ResponseParser p = parse(wire, "GET", step);
    ASSERT_EQ(p.state(), ResponseParser::State::complete) << step << p.error();
    EXPECT_EQ(p.response().body, "{\"a\":[1,2,3]}");
  }
}

TEST(HttpMessage, BodilessAnswers) {
  EXPECT_EQ(parse("HTTP/1.1 304 Not Modified\r\nETag: \"1\"\r\n\r\n").state(), ResponseParser::State::complete);
  ResponseParser head = parse("HTTP/1.1 200 OK\r\nContent-Length: 500\r\nTotal-Records: 3\r\n\r\n", "HEAD");
  EXPECT_EQ(head.state(), ResponseParser::State::complete);
  EXPECT_EQ(head.response().header("total-records"), "3");
}

TEST(HttpMessage, CloseDelimitedBodyEndsWithTheConnection) {
  ResponseParser p = parse("HTTP/1.1 200 OK\r\n\r\nhello");
  EXPECT_EQ(p.state(), ResponseParser::State::incomplete);
  p.finish();
  EXPECT_EQ(p.state(), ResponseParser::State::complete);
  EXPECT_EQ(p.response().body, "hello");
  EXPECT_TRUE(p.response().close);
}

TEST(HttpMessage, ConnectionCloseIsNoticed) {
  ResponseParser p = parse("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(p.state(), ResponseParser::State::complete);
  EXPECT_TRUE(p.response().close);
  EXPECT_EQ(p.response().status, 503);
}

TEST(HttpMessage, Malformed) {
  EXPECT_EQ(parse("SSH-2.0-OpenSSH\r\n\r\n").state(), ResponseParser::State::error);
  EXPECT_EQ(parse("HTTP/1.1 2x0 OK\r\n\r\n").state(), ResponseParser::State::error);
  EXPECT_EQ(parse("HTTP/1.1 200 OK\r\nContent-Length: many\r\n\r\n").state(), ResponseParser::State::error);
  ResponseParser cut = parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
  cut.finish();
  EXPECT_EQ(cut.state(), ResponseParser::State::error);
  EXPECT_NE(cut.error().find("middle"), std::string::npos);
}

TEST(Url, NextPageTargetsOnTheSameServer) {
  std::string error;
  auto url = parse_url("http://127.0.0.1:8888/v1", &error);
  ASSERT_TRUE(url) << error;
  EXPECT_EQ(url->target("/buckets"), "/v1/buckets");
  EXPECT_EQ(same_server_target(*url, "http://127.0.0.1:8888/v1/buckets/b/collections/c/records?_limit=2&_token=x"),
            "/v1/buckets/b/collections/c/records?_limit=2&_token=x");
  EXPECT_FALSE(same_server_target(*url, "http://elsewhere:8888/v1/x"));
  EXPECT_EQ(parse_url("http://h/", &error)->base, "");
  EXPECT_EQ(parse_url("http://h", &error)->port, 80);
}

TEST(Fixture, EtagsAndIds) {
  EXPECT_EQ(parse_etag("\"1456496072475\""), 1456496072475);
  EXPECT_EQ(parse_etag("W/\"1\""), -1);
  EXPECT_EQ(parse_etag(""), -1);
  EXPECT_EQ(record_id(42), "r00000042");
  EXPECT_EQ(basic_auth("alice", "secret"), "Basic YWxpY2U6c2VjcmV0");
  EXPECT_EQ(basic_auth("a", "b"), "Basic YTpi");
  EXPECT_EQ(basic_auth("ab", "c"), "Basic YWI6Yw==");
}

}  // namespace
}  // namespace bench
