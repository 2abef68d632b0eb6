// Shared helpers of the HTTP-level suites (tests/http_*_test.cpp): error
// assertions, ETag parsing and fixture builders that speak HTTP to a
// TestServer. Header-only; nothing here changes the server.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "core/crypto.h"
#include "core/timestamp.h"
#include "tests/test_server.h"

namespace ratchet::testing {

inline Json parse_or_null(const std::string& body) {
  Json j = Json::parse(body, nullptr, false);
  return j.is_discarded() ? Json() : j;
}

inline std::string describe(const Reply& r) {
  return "status " + std::to_string(r.status) + ", body: " + r.body;
}

// The §9.1 error body: status, JSON body with code (= status), errno and a
// string `error`; `message`, `info` and `details` are never null.
inline ::testing::AssertionResult IsError(const Reply& r, int status, int errno_) {
  if (r.status != status) {
    return ::testing::AssertionFailure() << "expected status " << status << ", got " << describe(r);
  }
  Json b = parse_or_null(r.body);
  if (!b.is_object()) return ::testing::AssertionFailure() << "error body is not a JSON object: " << r.body;
  if (!b.contains("code") || b["code"] != status) {
    return ::testing::AssertionFailure() << "body code != " << status << ": " << r.body;
  }
  if (!b.contains("errno") || b["errno"] != errno_) {
    return ::testing::AssertionFailure() << "expected errno " << errno_ << ": " << r.body;
  }
  if (!b.contains("error") || !b["error"].is_string()) {
    return ::testing::AssertionFailure() << "no string 'error': " << r.body;
  }
  for (const char* key : {"message", "info", "details"}) {
    if (b.contains(key) && b[key].is_null()) {
      return ::testing::AssertionFailure() << "'" << key << "' is null instead of omitted: " << r.body;
    }
  }
  return ::testing::AssertionSuccess();
}

inline ::testing::AssertionResult HasStatus(const Reply& r, int status) {
  if (r.status == status) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "expected status " << status << ", got " << describe(r);
}

// The integer inside a quoted ETag; -1 (and a failure) if it is malformed.
inline int64_t etag_value(const Reply& r) {
  std::string e = r.header("ETag");
  static const std::regex shape("^\"[0-9]+\"$");
  if (!std::regex_match(e, shape)) {
    ADD_FAILURE() << "malformed ETag '" << e << "' (" << describe(r) << ")";
    return -1;
  }
  return std::stoll(e.substr(1, e.size() - 2));
}

inline std::string quoted(int64_t ts) { return "\"" + std::to_string(ts) + "\""; }

// The basicauth id of `user` with password "secret" on a server whose
// userid_hmac_secret is the harness's "test-secret" (usable before a server
// exists, e.g. inside a configure lambda).
inline std::string basic_id(const std::string& user) {
  return "basicauth:" + hmac_sha256_hex("test-secret", user + ":secret");
}

inline std::string records_path(const std::string& bid = "blog", const std::string& cid = "c") {
  return "/v1/buckets/" + bid + "/collections/" + cid + "/records";
}

// Sends a request and requires one of `ok` statuses; returns the parsed body.
inline Json must(TestServer& s, const std::string& method, const std::string& path,
                 const std::string& body, const std::string& user,
                 std::initializer_list<int> ok = {200, 201}, httplib::Headers headers = {}) {
  Reply r = s.request(method, path, body, user, std::move(headers));
  bool good = std::find(ok.begin(), ok.end(), r.status) != ok.end();
  EXPECT_TRUE(good) << method << " " << path << " -> " << describe(r);
  return parse_or_null(r.body);
}

inline Json make_bucket(TestServer& s, const std::string& user, const std::string& bid = "blog",
                        const std::string& body = "") {
  return must(s, "PUT", "/v1/buckets/" + bid, body, user, {201});
}

// A bucket and a collection in it, both created by `user`.
inline void make_collection(TestServer& s, const std::string& user, const std::string& bid = "blog",
                            const std::string& cid = "c") {
  if (s.get("/v1/buckets/" + bid, user).status != 200) make_bucket(s, user, bid);
  must(s, "PUT", "/v1/buckets/" + bid + "/collections/" + cid, "", user, {201});
}

// PUT of a record; returns its `data`.
inline Json make_record(TestServer& s, const std::string& user, const std::string& rid,
                        const std::string& body = "{\"data\":{}}", const std::string& bid = "blog",
                        const std::string& cid = "c") {
  return must(s, "PUT", records_path(bid, cid) + "/" + rid, body, user, {201})["data"];
}

// POST of a record; returns its `data`.
inline Json post_record(TestServer& s, const std::string& user, const Json& data = Json::object(),
                        const std::string& bid = "blog", const std::string& cid = "c") {
  return must(s, "POST", records_path(bid, cid), Json{{"data", data}}.dump(), user, {201})["data"];
}

// Ids of the items of a plural response, in order.
inline std::vector<std::string> ids_of(const Reply& r) {
  std::vector<std::string> out;
  Json b = parse_or_null(r.body);
  if (!b.is_object() || !b.contains("data") || !b["data"].is_array()) {
    ADD_FAILURE() << "not a plural body: " << describe(r);
    return out;
  }
  for (const Json& item : b["data"]) out.push_back(item.value("id", std::string("<no id>")));
  return out;
}

// "GET, HEAD, POST" -> {"GET", "HEAD", "POST"}.
inline std::set<std::string> split_list(const std::string& header) {
  std::set<std::string> out;
  std::string item;
  for (char c : header + ",") {
    if (c == ',') {
      size_t b = item.find_first_not_of(' ');
      size_t e = item.find_last_not_of(' ');
      if (b != std::string::npos) out.insert(item.substr(b, e - b + 1));
      item.clear();
    } else {
      item += c;
    }
  }
  return out;
}

// The path+query of an absolute URL on this server ("" if it is not one).
inline std::string local_target(const TestServer& s, const std::string& url) {
  std::string origin = s.origin();
  if (url.rfind(origin, 0) != 0) {
    ADD_FAILURE() << "'" << url << "' is not an absolute URL on " << origin;
    return "";
  }
  return url.substr(origin.size());
}

// Occurrences of `needle` in `hay`.
inline size_t count_of(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

inline const std::regex& uuid4_regex() {
  static const std::regex re("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  return re;
}

inline const std::regex& name_id_regex() {
  static const std::regex re("^[a-zA-Z0-9][a-zA-Z0-9_-]{7}$");
  return re;
}

inline bool contains(const Json& array, const Json& value) {
  if (!array.is_array()) return false;
  return std::find(array.begin(), array.end(), value) != array.end();
}

}  // namespace ratchet::testing
