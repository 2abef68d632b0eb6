// Request validation and error bodies (PROTOCOL.md §3.1, §9, §10.5): invalid
// JSON, envelope rules, permissions shape, 406/415, body size limit, the
// error format -- and bad input never changes anything.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/http_helpers.h"

namespace ratchet::testing {
namespace {

// One raw HTTP/1.1 exchange, for requests the harness's client cannot
// express (a body without Content-Type). Returns the whole response text.
std::string raw_exchange(const TestServer& s, const std::string& request) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(s.port()));
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    ADD_FAILURE() << "cannot connect";
    return "";
  }
  size_t sent = 0;
  while (sent < request.size()) {
    ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, 0);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return out;
}

std::string raw_request(const TestServer& s, const std::string& method, const std::string& path,
                        const std::string& body, const std::string& user) {
  return method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(s.port()) +
         "\r\nAuthorization: " + basic_auth(user) + "\r\nConnection: close\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

int status_of(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0 || response.size() < 12) return -1;
  return std::stoi(response.substr(9, 3));
}

class HttpErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    make_collection(s, "alice");
    stored = make_record(s, "alice", "r1", R"({"data":{"a":1}})");
    list_etag = s.get(records_path(), "alice").header("ETag");
  }
  // The record and the list are exactly as SetUp left them.
  void expect_unchanged(const std::string& what) {
    Reply r = s.get(records_path() + "/r1", "alice");
    EXPECT_EQ(r.json()["data"], stored) << what;
    EXPECT_EQ(r.json()["permissions"], (Json{{"write", {s.user_id("alice")}}})) << what;
    Reply list = s.get(records_path(), "alice");
    EXPECT_EQ(list.header("ETag"), list_etag) << what << ": the list was written";
    EXPECT_EQ(ids_of(list), std::vector<std::string>{"r1"}) << what;
  }

  TestServer s;
  Json stored;
  std::string list_etag;
};

TEST_F(HttpErrors, InvalidJsonIs400WithInvalidJsonMessage) {
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"POST", records_path()}, {"PUT", records_path() + "/r1"}, {"PATCH", records_path() + "/r1"},
           {"PUT", records_path() + "/r2"}}) {
    for (const char* body : {"{bad", "{\"data\":", "nul", "{\"data\":{}} trailing"}) {
      Reply r = s.request(method, path, body, "alice");
      ASSERT_TRUE(IsError(r, 400, 107)) << method << " " << path << " " << body;
      EXPECT_EQ(r.json()["error"], "Invalid parameters");
      EXPECT_EQ(r.json()["message"].get<std::string>().rfind("Invalid JSON", 0), 0u) << r.body;
      ASSERT_TRUE(r.json()["details"].is_array());
      EXPECT_EQ(r.json()["details"][0]["location"], "body");
    }
  }
  expect_unchanged("invalid JSON");
}

// A body that is not UTF-8 is invalid JSON like any other (400), not a 500.
TEST_F(HttpErrors, NonUtf8BodyIs400) {
  for (const std::string& body : {std::string("\xff\xfe"), std::string("{\"data\":{\"a\":\"\xff\"}}"),
                                  std::string("{\xc3")}) {
    Reply r = s.request("PUT", records_path() + "/r1", body, "alice");
    EXPECT_TRUE(IsError(r, 400, 107)) << "body of " << body.size() << " bytes: " << describe(r);
  }
  expect_unchanged("non-UTF-8 body");
}

TEST_F(HttpErrors, InvalidJsonPatchBodyToo) {
  Reply r = s.request("PATCH", records_path() + "/r1", "[{", "alice",
                      {{"Content-Type", "application/json-patch+json"}});
  ASSERT_TRUE(IsError(r, 400, 107));
  EXPECT_EQ(r.json()["message"].get<std::string>().rfind("Invalid JSON", 0), 0u) << r.body;
  expect_unchanged("invalid JSON patch");
}

TEST_F(HttpErrors, UnknownTopLevelKeysAre400) {
  for (const char* body : {R"({"data":{},"datta":{}})", R"({"permission":{"read":[]}})", R"({"id":"r1"})"}) {
    for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
             {"POST", records_path()}, {"PUT", records_path() + "/r1"}, {"PATCH", records_path() + "/r1"}}) {
      Reply r = s.request(method, path, body, "alice");
      ASSERT_TRUE(IsError(r, 400, 107)) << method << " " << body;
      EXPECT_NE(r.body.find("Unrecognized keys in mapping"), std::string::npos) << r.body;
    }
  }
  expect_unchanged("unknown keys");
}

TEST_F(HttpErrors, BodyMustBeAnObjectWithObjectData) {
  for (const char* body : {R"({"data":"x"})", R"({"data":[1]})", R"({"data":1})", R"({"data":true})",
                           R"([1,2])", R"("text")", "42", "null"}) {
    for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
             {"POST", records_path()}, {"PUT", records_path() + "/r1"}, {"PATCH", records_path() + "/r1"}}) {
      EXPECT_TRUE(IsError(s.request(method, path, body, "alice"), 400, 107)) << method << " " << body;
    }
  }
  expect_unchanged("non-object data");
}

TEST_F(HttpErrors, NullDataIsRejected) {
  // `data` MUST be an object if present.
  EXPECT_TRUE(IsError(s.request("PUT", records_path() + "/r1", R"({"data":null})", "alice"), 400, 107));
  EXPECT_TRUE(IsError(s.request("POST", records_path(), R"({"data":null})", "alice"), 400, 107));
  expect_unchanged("null data");
}

TEST_F(HttpErrors, PermissionsShapeIsValidated) {
  for (const char* body : {R"({"permissions":"read"})", R"({"permissions":[]})",
                           R"({"permissions":{"read":"book"}})", R"({"permissions":{"read":[1]}})",
                           R"({"permissions":{"read":[["x"]]}})", R"({"permissions":{"record:create":["x"]}})",
                           R"({"permissions":{"collection:create":["x"]}})", R"({"permissions":{"delete":["x"]}})"}) {
    for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
             {"POST", records_path()}, {"PUT", records_path() + "/r1"}, {"PUT", records_path() + "/r9"}}) {
      Reply r = s.request(method, path, body, "alice");
      ASSERT_TRUE(IsError(r, 400, 107)) << method << " " << path << " " << body;
      EXPECT_EQ(r.json()["details"][0]["location"], "body");
    }
  }
  expect_unchanged("bad permissions");
  EXPECT_TRUE(IsError(s.get(records_path() + "/r9", "alice"), 404, 110));
}

TEST_F(HttpErrors, PermissionNamesDependOnTheType) {
  EXPECT_TRUE(IsError(s.request("PUT", "/v1/buckets/blog", R"({"permissions":{"record:create":["x"]}})", "alice"),
                      400, 107));
  EXPECT_TRUE(IsError(s.request("PUT", "/v1/buckets/blog/groups/g", R"({"permissions":{"record:create":["x"]}})",
                                "alice"),
                      400, 107));
  EXPECT_EQ(s.request("PUT", "/v1/buckets/blog",
                      R"({"permissions":{"collection:create":["x"],"group:create":["y"],"read":["z"]}})", "alice")
                .status,
            200);
  EXPECT_EQ(s.request("PUT", "/v1/buckets/blog/collections/c", R"({"permissions":{"record:create":["x"]}})", "alice")
                .status,
            200);
}

TEST_F(HttpErrors, EmptyBodyIsAnEmptyObject) {
  Reply r = s.request("POST", records_path(), "", "alice", {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 201) << describe(r);
  r = s.request("PUT", records_path() + "/e", "", "alice", {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 201) << describe(r);
  r = s.request("PUT", records_path() + "/e2", "{}", "alice");
  EXPECT_EQ(r.status, 201) << describe(r);
  EXPECT_EQ(r.json()["data"].size(), 2u) << r.body;  // id and last_modified only
}

TEST_F(HttpErrors, NotAcceptableIs406) {
  for (const char* accept : {"text/html", "application/xml", "text/*", "image/png, text/plain"}) {
    Reply r = s.request("GET", records_path(), "", "alice", {{"Accept", accept}});
    ASSERT_TRUE(IsError(r, 406, 107)) << accept;
    Json d = r.json()["details"][0];
    EXPECT_EQ(d["location"], "header");
    EXPECT_EQ(d["name"], "Accept");
    EXPECT_TRUE(IsError(s.request("PUT", records_path() + "/r1", R"({"data":{"a":2}})", "alice", {{"Accept", accept}}),
                        406, 107))
        << accept;
  }
  for (const char* accept : {"application/json", "*/*", "application/*", "application/json; q=0.9",
                             "text/html, application/json", "APPLICATION/JSON"}) {
    EXPECT_EQ(s.request("GET", records_path(), "", "alice", {{"Accept", accept}}).status, 200) << accept;
  }
  expect_unchanged("406");
}

// Kinto's exact details for each kind of bad body (cornice and colander).
TEST_F(HttpErrors, BodyErrorDetailsAreShapedAsKintos) {
  auto detail = [](const std::string& name, const std::string& description) {
    return Json{{"location", "body"}, {"name", name}, {"description", description}};
  };
  Reply r = s.request("PUT", records_path() + "/r1", "{\"data\":", "alice");
  ASSERT_TRUE(IsError(r, 400, 107));
  ASSERT_EQ(r.json()["details"].size(), 2u) << r.body;
  EXPECT_EQ(r.json()["details"][0]["name"], "");
  EXPECT_EQ(r.json()["details"][1], detail("", "Required"));

  r = s.request("PUT", records_path() + "/r1", "42", "alice");
  EXPECT_EQ(r.json()["message"], "Should be a JSON object or an array");
  EXPECT_EQ(r.json()["details"], Json::array({detail("", "Should be a JSON object or an array"),
                                              detail("", "Required")}));
  const std::string mapping = " is not a mapping type: Does not implement dict-like functionality.";
  r = s.request("PUT", records_path() + "/r1", "[1,\"a\"]", "alice");
  EXPECT_EQ(r.json()["details"], Json::array({detail("", "\"[1, 'a']\"" + mapping)}));
  r = s.request("PUT", records_path() + "/r1", R"({"data":[1]})", "alice");
  EXPECT_EQ(r.json()["message"], "data in body: \"[1]\"" + mapping);
  r = s.request("PUT", records_path() + "/r1", R"({"data":{},"foo":1,"bar":[true,null]})", "alice");
  EXPECT_EQ(r.json()["details"],
            Json::array({detail("", "Unrecognized keys in mapping: \"{'bar': [True, None], 'foo': 1}\"")}));

  r = s.request("PUT", "/v1/buckets/blog", R"({"permissions":{"foo":["a"],"read":"x"}})", "alice");
  EXPECT_EQ(r.json()["message"],
            "permissions in body: \"foo\" is not one of read, write, collection:create, group:create");
  EXPECT_EQ(r.json()["details"].size(), 1u);
  r = s.request("PUT", records_path() + "/r1", R"({"permissions":{"record:create":["a"]}})", "alice");
  EXPECT_EQ(r.json()["message"], "permissions in body: \"record:create\" is not one of read, write");
  r = s.request("PUT", records_path() + "/r1", R"({"permissions":{"read":"book"}})", "alice");
  EXPECT_EQ(r.json()["message"], "permissions.read in body: \"book\" is not iterable");
  r = s.request("PUT", records_path() + "/r1", R"({"permissions":{"write":[2],"read":["a",1]}})", "alice");
  EXPECT_EQ(r.json()["details"],
            Json::array({detail("permissions.read.1", "1 is not a string: {'': ''}"),
                         detail("permissions.write.0", "2 is not a string: {'': ''}")}));
  r = s.request("PUT", records_path() + "/r1", R"({"permissions":[]})", "alice");
  EXPECT_EQ(r.json()["details"], Json::array({detail("permissions", "\"[]\"" + mapping)}));
  expect_unchanged("bad bodies");
}

// Each bad parameter is a detail, sorted by name (§9.4).
TEST_F(HttpErrors, EveryBadQuerystringParameterIsReported) {
  auto detail = [](const std::string& name, const std::string& description) {
    return Json{{"location", "querystring"}, {"name", name}, {"description", description}};
  };
  Reply r = s.get(records_path() + "?_limit=x&_since=y&_before=z&_sort=", "alice");
  ASSERT_TRUE(IsError(r, 400, 107)) << describe(r);
  EXPECT_EQ(r.json()["message"], "_before in querystring: \"z\" is not a number");
  EXPECT_EQ(r.json()["details"], Json::array({detail("_before", "\"z\" is not a number"),
                                              detail("_limit", "\"x\" is not a number"),
                                              detail("_since", "\"y\" is not a number")}));
  r = s.get(records_path() + "?_limit=-1", "alice");
  EXPECT_EQ(r.json()["details"], Json::array({detail("_limit", "-1 is less than minimum value 0")}));
  EXPECT_EQ(s.get(records_path() + "?_sort=", "alice").status, 200);
}

// WebOb's matching, as Kinto uses it (§10.5).
TEST_F(HttpErrors, AcceptIsDecidedAsKintoDoes) {
  for (const char* accept : {"application/json;q=0", "", "application/merge-patch+json",
                             "application/json; charset=utf-8", "application/json;q=0, */*"}) {
    Reply r = s.request("GET", records_path(), "", "alice", {{"Accept", accept}});
    ASSERT_TRUE(IsError(r, 406, 107)) << "'" << accept << "': " << describe(r);
    EXPECT_EQ(r.json()["message"], "Accept header should be one of ['application/json']");
    EXPECT_EQ(r.json()["details"],
              Json::array({{{"location", "header"}, {"name", "Accept"},
                            {"description", "Accept header should be one of ['application/json']"}}}));
  }
  for (const char* accept : {"text/html, */*;q=0.1", "foo", "application/JSON", "*/*;q=0, application/json"}) {
    EXPECT_EQ(s.request("GET", records_path(), "", "alice", {{"Accept", accept}}).status, 200) << accept;
  }
}

TEST_F(HttpErrors, UnsupportedMediaTypeIs415) {
  for (const char* type : {"text/plain", "application/x-www-form-urlencoded", "application/xml"}) {
    for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
             {"POST", records_path()}, {"PUT", records_path() + "/r1"}, {"PATCH", records_path() + "/r1"},
             {"PUT", records_path() + "/r2"}}) {
      Reply r = s.request(method, path, R"({"data":{"a":2}})", "alice", {{"Content-Type", type}});
      ASSERT_TRUE(IsError(r, 415, 107)) << method << " " << type;
      EXPECT_EQ(r.json()["details"][0]["location"], "header");
      EXPECT_EQ(r.json()["details"][0]["name"], "Content-Type");
    }
  }
  Reply r = s.request("PATCH", records_path() + "/r1", "{}", "alice", {{"Content-Type", "text/plain"}});
  std::string msg = r.json().value("message", "");
  EXPECT_NE(msg.find("application/merge-patch+json"), std::string::npos) << msg;
  EXPECT_NE(msg.find("application/json-patch+json"), std::string::npos) << msg;
  // The patch types are for PATCH only.
  EXPECT_TRUE(IsError(s.request("PUT", records_path() + "/r1", R"({"data":{}})", "alice",
                                {{"Content-Type", "application/merge-patch+json"}}),
                      415, 107));
  expect_unchanged("415");
}

// §3.1: a request with no Content-Type at all is accepted, its body parsed
// as JSON.
TEST_F(HttpErrors, BodyWithoutContentTypeIsParsedAsJson) {
  std::string res = raw_exchange(s, raw_request(s, "PUT", records_path() + "/raw", R"({"data":{"x":1}})", "alice"));
  EXPECT_EQ(status_of(res), 201) << res;
  EXPECT_EQ(s.get(records_path() + "/raw", "alice").json()["data"]["x"], 1);
  res = raw_exchange(s, raw_request(s, "POST", records_path(), R"({"data":{"id":"raw2","y":2}})", "alice"));
  EXPECT_EQ(status_of(res), 201) << res;
  res = raw_exchange(s, raw_request(s, "PATCH", records_path() + "/raw", R"({"data":{"x":null}})", "alice"));
  EXPECT_EQ(status_of(res), 200) << res;
  Json data = s.get(records_path() + "/raw", "alice").json()["data"];
  EXPECT_TRUE(data.contains("x") && data["x"].is_null()) << data;  // plain JSON merge
  res = raw_exchange(s, raw_request(s, "PUT", records_path() + "/raw", "{bad", "alice"));
  EXPECT_EQ(status_of(res), 400) << res;
}

TEST_F(HttpErrors, JsonContentTypeParametersAreAllowed) {
  Reply r = s.request("POST", records_path(), R"({"data":{"x":1}})", "alice",
                      {{"Content-Type", "application/json; charset=utf-8"}});
  EXPECT_EQ(r.status, 201) << describe(r);
  r = s.request("POST", records_path(), R"({"data":{"x":1}})", "alice", {{"Content-Type", "Application/JSON"}});
  EXPECT_EQ(r.status, 201) << describe(r);
}

// kinto-http sends Content-Type: application/json on every request.
TEST_F(HttpErrors, BodylessMethodsIgnoreContentType) {
  for (const char* type : {"application/json", "text/plain"}) {
    httplib::Headers h{{"Content-Type", type}, {"Accept", "application/json"}};
    EXPECT_EQ(s.request("GET", records_path(), "", "alice", h).status, 200) << type;
    EXPECT_EQ(s.request("GET", records_path() + "/r1", "", "alice", h).status, 200) << type;
    EXPECT_EQ(s.request("HEAD", records_path(), "", "alice", h).status, 200) << type;
    EXPECT_EQ(s.request("GET", "/v1/", "", "alice", h).status, 200) << type;
  }
  make_record(s, "alice", "d1");
  make_record(s, "alice", "d2");
  EXPECT_EQ(s.request("DELETE", records_path() + "/d1", "", "alice", {{"Content-Type", "application/json"}}).status,
            200);
  EXPECT_EQ(s.request("DELETE", records_path() + "/d2", "", "alice", {{"Content-Type", "text/plain"}}).status, 200);
}

TEST_F(HttpErrors, NegotiationHappensBeforeAuthorization) {
  EXPECT_TRUE(IsError(s.request("POST", records_path(), "{}", "", {{"Content-Type", "text/plain"}}), 415, 107));
  EXPECT_TRUE(IsError(s.request("GET", records_path(), "", "bob", {{"Accept", "text/html"}}), 406, 107));
}

TEST(HttpErrorsLimits, BodyOverMaxBodyBytesIs413) {
  TestServer s([](Settings& st, Registry&) { st.max_body_bytes = 1024; });
  make_collection(s, "alice");
  std::string big = Json{{"data", {{"blob", std::string(4000, 'x')}}}}.dump();
  Reply r = s.request("POST", records_path(), big, "alice");
  ASSERT_TRUE(IsError(r, 413, 113));
  EXPECT_EQ(r.header("Content-Type").rfind("application/json", 0), 0u);
  // Every response carries the security headers (§10.7).
  EXPECT_EQ(r.header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(r.header("Content-Security-Policy"),
            "default-src 'none'; frame-ancestors 'none'; base-uri 'none';");
  EXPECT_EQ(s.get(records_path(), "alice").json()["data"], Json::array());
  // Just under the limit is fine.
  std::string small = Json{{"data", {{"blob", std::string(900, 'x')}}}}.dump();
  EXPECT_EQ(s.request("POST", records_path(), small, "alice").status, 201);
}

TEST_F(HttpErrors, ErrorBodiesOmitEmptyFields) {
  Reply missing = s.get(records_path() + "/nope", "alice");
  ASSERT_TRUE(IsError(missing, 404, 110));
  EXPECT_FALSE(missing.json().contains("message")) << missing.body;
  EXPECT_FALSE(missing.json().contains("info"));
  Reply denied = s.get(records_path(), "bob");
  ASSERT_TRUE(IsError(denied, 403, 121));
  EXPECT_FALSE(denied.json().contains("details")) << denied.body;
  EXPECT_FALSE(denied.json().contains("info"));
  EXPECT_EQ(denied.json().size(), 4u) << denied.body;
}

TEST_F(HttpErrors, ValidationErrorFormat) {
  Reply r = s.request("PUT", records_path() + "/r1", R"({"data":{},"bogus":1})", "alice");
  ASSERT_TRUE(IsError(r, 400, 107));
  Json b = r.json();
  EXPECT_EQ(b["error"], "Invalid parameters");
  ASSERT_TRUE(b["details"].is_array());
  ASSERT_FALSE(b["details"].empty());
  for (const Json& d : b["details"]) {
    EXPECT_TRUE(d["location"] == "body" || d["location"] == "querystring" || d["location"] == "header" ||
                d["location"] == "path")
        << d;
    EXPECT_TRUE(d.contains("name")) << d;
    EXPECT_TRUE(d["name"].is_string() || d["name"].is_null()) << d;
    EXPECT_TRUE(d["description"].is_string()) << d;
  }
  EXPECT_TRUE(b["message"].is_string());
  expect_unchanged("validation");
}

TEST_F(HttpErrors, FailedWritesOfOtherTypesChangeNothing) {
  Json bucket = s.get("/v1/buckets/blog", "alice").json();
  EXPECT_TRUE(IsError(s.request("PUT", "/v1/buckets/blog", R"({"data":[]})", "alice"), 400, 107));
  EXPECT_TRUE(IsError(s.request("PATCH", "/v1/buckets/blog", R"({"permissions":{"write":"x"}})", "alice"), 400, 107));
  EXPECT_EQ(s.get("/v1/buckets/blog", "alice").json(), bucket);
  Json collection = s.get("/v1/buckets/blog/collections/c", "alice").json();
  EXPECT_TRUE(IsError(s.request("PATCH", "/v1/buckets/blog/collections/c", R"({"data":{"cache_expires":"x"}})",
                                "alice"),
                      400, 107));
  EXPECT_EQ(s.get("/v1/buckets/blog/collections/c", "alice").json(), collection);
  std::string buckets_etag = s.get("/v1/buckets", "alice").header("ETag");
  EXPECT_TRUE(IsError(s.request("POST", "/v1/buckets", R"({"data":{"id":"__x"}})", "alice"), 400, 107));
  EXPECT_EQ(s.get("/v1/buckets", "alice").header("ETag"), buckets_etag);
}

}  // namespace
}  // namespace ratchet::testing
