// Routing and utility views (PROTOCOL.md §1.1-§1.5, §10.4, §10.7): version
// and trailing-slash redirects, unknown URLs, 405, hello, heartbeats,
// __version__, CORS and the security headers of every response.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/http_helpers.h"

namespace ratchet::testing {
namespace {

TEST(HttpRouting, RootRedirectsToHello) {
  TestServer s;
  Reply r = s.get("/");
  EXPECT_EQ(r.status, 307);
  EXPECT_EQ(r.header("Location"), s.origin() + "/v1/");
}

TEST(HttpRouting, VersionWithoutSlashRedirectsToHelloKeepingQuery) {
  TestServer s;
  Reply r = s.get("/v1");
  EXPECT_EQ(r.status, 307);
  EXPECT_EQ(r.header("Location"), s.origin() + "/v1/");
  r = s.get("/v1?x=1");
  EXPECT_EQ(r.status, 307);
  EXPECT_EQ(r.header("Location"), s.origin() + "/v1/?x=1");
}

TEST(HttpRouting, UnprefixedPathRedirectsUnderV1KeepingQuery) {
  TestServer s;
  Reply r = s.get("/buckets?x=1");
  EXPECT_EQ(r.status, 307);
  EXPECT_EQ(r.header("Location"), s.origin() + "/v1/buckets?x=1");
  r = s.request("PUT", "/buckets/blog", "", "alice");
  EXPECT_EQ(r.status, 307);
  EXPECT_EQ(r.header("Location"), s.origin() + "/v1/buckets/blog");
}

TEST(HttpRouting, VersionRedirectHasNoCacheHeadersByDefault) {
  TestServer s;  // version_prefix_redirect_ttl_seconds defaults to -1
  Reply r = s.get("/buckets");
  EXPECT_EQ(r.status, 307);
  EXPECT_FALSE(r.has_header("Cache-Control"));
  EXPECT_FALSE(r.has_header("Expires"));
}

TEST(HttpRouting, PathWithCrLfIsNotRedirected) {
  TestServer s;
  Reply r = s.get("/buckets%0D%0ASet-Cookie:x");
  EXPECT_TRUE(IsError(r, 404, 111));
  EXPECT_FALSE(r.has_header("Location"));
  EXPECT_FALSE(r.has_header("Set-Cookie"));
}

// §1.1: "An OPTIONS request on such a path is answered 200 with CORS headers
// instead of a redirect."
TEST(HttpRouting, OptionsOnUnprefixedPathIsAnsweredNotRedirected) {
  TestServer s;
  Reply r = s.request("OPTIONS", "/buckets", "", "",
                      {{"Origin", "https://app.example"}, {"Access-Control-Request-Method", "GET"}});
  EXPECT_EQ(r.status, 200) << describe(r) << " Location: " << r.header("Location");
  EXPECT_EQ(r.header("Access-Control-Allow-Origin"), "*");
}

TEST(HttpRouting, TrailingSlashRedirectsToPathWithoutItKeepingQuery) {
  TestServer s;
  Reply r = s.get("/v1/buckets/?_limit=1");
  EXPECT_EQ(r.status, 307);
  EXPECT_EQ(r.header("Location"), s.origin() + "/v1/buckets?_limit=1");
  r = s.get("/v1/buckets/blog/collections//");
  EXPECT_EQ(r.status, 307);
  EXPECT_EQ(r.header("Location"), s.origin() + "/v1/buckets/blog/collections");
}

// §1.2: trailing_slash_redirect_ttl_seconds defaults to 3600 ->
// Cache-Control: max-age=3600 and Expires.
TEST(HttpRouting, TrailingSlashRedirectCarriesCacheHeaders) {
  TestServer s;
  Reply r = s.get("/v1/buckets/");
  EXPECT_EQ(r.status, 307);
  EXPECT_EQ(r.header("Cache-Control"), "max-age=3600");
  EXPECT_TRUE(r.has_header("Expires"));
}

TEST(HttpRouting, AbsoluteUrlsFollowTheHostHeader) {
  TestServer s;
  httplib::Headers host{{"Host", "kinto.example:8888"}};
  EXPECT_EQ(s.request("GET", "/v1/", "", "", host).json()["url"], "http://kinto.example:8888/v1/");
  EXPECT_EQ(s.request("GET", "/v1", "", "", host).header("Location"), "http://kinto.example:8888/v1/");
  EXPECT_EQ(s.request("GET", "/v1/buckets/", "", "", host).header("Location"),
            "http://kinto.example:8888/v1/buckets");
  TestServer https([](Settings& st, Registry&) { st.http_scheme = "https"; });
  EXPECT_EQ(https.get("/v1/").json()["url"], "https://127.0.0.1:" + std::to_string(https.port()) + "/v1/");
}

TEST(HttpRouting, HelloWithSlashIsServedNotRedirected) {
  TestServer s;
  Reply r = s.get("/v1/");
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.has_header("Location"));
}

TEST(HttpRouting, OtherApiVersionIs404Errno116) {
  TestServer s;
  for (const char* path : {"/v2/buckets", "/v2/", "/v0/buckets/blog"}) {
    Reply r = s.get(path);
    EXPECT_TRUE(IsError(r, 404, 116)) << path;
    EXPECT_EQ(r.json().value("message", ""),
              "The requested API version is not available on this server.");
  }
}

TEST(HttpRouting, UnknownUrlIs404Errno111) {
  TestServer s;
  for (const char* path : {"/v1/nothing", "/v1/buckets/blog/nothing",
                           "/v1/buckets/blog/collections/c/records/r/extra",
                           "/v1/buckets/blog/collections/c/nothing"}) {
    Reply r = s.get(path, "alice");
    ASSERT_TRUE(IsError(r, 404, 111)) << path;
    EXPECT_EQ(r.json(), (Json{{"code", 404}, {"errno", 111}, {"error", "Not Found"},
                              {"message", "The resource you are looking for could not be found."}}))
        << path;
  }
}

TEST(HttpRouting, UnsupportedMethodIs405WithAllow) {
  TestServer s;
  struct Case {
    const char* method;
    const char* path;
    std::set<std::string> allow;
  };
  const std::vector<Case> cases{
      {"PATCH", "/v1/buckets", {"GET", "HEAD", "POST", "DELETE", "OPTIONS"}},
      {"PUT", "/v1/buckets/blog/collections", {"GET", "HEAD", "POST", "DELETE", "OPTIONS"}},
      {"POST", "/v1/buckets/blog", {"GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"}},
      {"POST", "/v1/buckets/blog/collections/c/records/r",
       {"GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"}},
      {"GET", "/v1/batch", {"POST", "OPTIONS"}},
      {"POST", "/v1/__heartbeat__", {"GET", "HEAD", "OPTIONS"}},
      {"DELETE", "/v1/", {"GET", "HEAD", "OPTIONS"}},
  };
  for (const Case& c : cases) {
    Reply r = s.request(c.method, c.path, "", "alice");
    EXPECT_TRUE(IsError(r, 405, 115)) << c.method << " " << c.path;
    EXPECT_EQ(split_list(r.header("Allow")), c.allow) << c.method << " " << c.path;
    EXPECT_EQ(parse_or_null(r.body).value("message", ""), "Method not allowed on this endpoint.");
  }
}

// Any method not in a route's list is a 405 errno 115 with Allow (§1.3),
// not a 404 or a bare 400.
TEST(HttpRouting, UnknownMethodIs405) {
  TestServer s;
  Reply r = s.request("TRACE", "/v1/buckets", "", "alice");
  EXPECT_TRUE(IsError(r, 405, 115));
  EXPECT_EQ(r.header("Allow"), "GET, HEAD, POST, DELETE, OPTIONS");
  // As Kinto: a 405 exposes no headers.
  r = s.request("TRACE", "/v1/buckets", "", "alice", {{"Origin", "https://app.example"}});
  EXPECT_EQ(r.header("Access-Control-Allow-Origin"), "*");
  EXPECT_FALSE(r.has_header("Access-Control-Expose-Headers"));
}

TEST(HttpRouting, HelloAnonymous) {
  TestServer s;
  Reply r = s.get("/v1/");
  ASSERT_EQ(r.status, 200);
  Json h = r.json();
  EXPECT_TRUE(h["project_name"].is_string());
  EXPECT_TRUE(h["project_version"].is_string());
  EXPECT_TRUE(h["project_docs"].is_string());
  ASSERT_TRUE(h["http_api_version"].is_string()) << h;
  EXPECT_TRUE(std::regex_match(h["http_api_version"].get<std::string>(), std::regex("^1\\.[0-9]+$")));
  EXPECT_EQ(h["url"], s.origin() + "/v1/");
  EXPECT_EQ(h["settings"], (Json{{"batch_max_requests", 25}, {"readonly", false},
                                 {"explicit_permissions", true}}));
  ASSERT_TRUE(h["capabilities"].is_object());
  EXPECT_TRUE(h["capabilities"].contains("basicauth"));  // §7.1
  for (const auto& [name, cap] : h["capabilities"].items()) {
    EXPECT_TRUE(cap["description"].is_string()) << name;
    EXPECT_TRUE(cap["url"].is_string()) << name;
  }
  EXPECT_TRUE(h.contains("config"));
  EXPECT_TRUE(h["config"].is_null());  // the harness has no configuration file
  EXPECT_FALSE(h.contains("user"));
  EXPECT_FALSE(h.contains("eos"));
  EXPECT_FALSE(r.has_header("Cache-Control"));  // not readonly: no cache headers
  EXPECT_FALSE(r.has_header("Expires"));
}

TEST(HttpRouting, HelloAuthenticatedShowsUserAndPrincipals) {
  TestServer s;
  Reply r = s.get("/v1/", "alice");
  ASSERT_EQ(r.status, 200);
  Json user = r.json()["user"];
  EXPECT_EQ(user["id"], s.user_id("alice"));
  EXPECT_EQ(s.user_id("alice"), basic_id("alice"));
  EXPECT_TRUE(std::regex_match(user["id"].get<std::string>(),
                               std::regex("^basicauth:[0-9a-f]{64}$")));
  EXPECT_TRUE(contains(user["principals"], s.user_id("alice")));
  EXPECT_TRUE(contains(user["principals"], "system.Everyone"));
  EXPECT_TRUE(contains(user["principals"], "system.Authenticated"));
  EXPECT_NE(s.user_id("alice"), s.user_id("bob"));
}

TEST(HttpRouting, InvalidCredentialsMakeTheRequestAnonymous) {
  TestServer s;
  for (const std::string& auth : {std::string("Basic !!!notbase64"), "Basic " + base64_encode(":secret"),
                                  std::string("Bearer abc"), "Basic " + base64_encode("nocolon")}) {
    Reply r = s.request("GET", "/v1/", "", "", {{"Authorization", auth}});
    EXPECT_EQ(r.status, 200) << auth;
    EXPECT_FALSE(parse_or_null(r.body).contains("user")) << auth;
  }
  // ... and never a 401 by themselves, only through authorization.
  Reply r = s.request("GET", "/v1/buckets", "", "", {{"Authorization", "Basic !!!"}});
  EXPECT_TRUE(IsError(r, 401, 104));
}

TEST(HttpRouting, HelloReflectsProjectSettings) {
  TestServer s([](Settings& st, Registry&) {
    st.project_name = "kinto";
    st.project_version = "26.3.1";
    st.project_docs = "https://docs.example/";
    st.explicit_permissions = false;
  });
  Json h = s.get("/v1/").json();
  EXPECT_EQ(h["project_name"], "kinto");
  EXPECT_EQ(h["project_version"], "26.3.1");
  EXPECT_EQ(h["project_docs"], "https://docs.example/");
  EXPECT_EQ(h["settings"]["explicit_permissions"], false);
}

// §7.1: any Basic pair with a non-empty user name authenticates; the id
// depends on the password too.
TEST(HttpRouting, BasicAuthIdsDependOnUserAndPassword) {
  TestServer s;
  auto id_for = [&](const std::string& credentials) {
    Json h = s.request("GET", "/v1/", "", "", {{"Authorization", "Basic " + base64_encode(credentials)}}).json();
    return h.contains("user") ? h["user"]["id"].get<std::string>() : std::string("<anonymous>");
  };
  EXPECT_EQ(id_for("alice:secret"), s.user_id("alice"));
  EXPECT_EQ(id_for("alice:"), "basicauth:" + hmac_sha256_hex("test-secret", "alice:"));
  EXPECT_NE(id_for("alice:other"), s.user_id("alice"));
  EXPECT_EQ(id_for("alice:pa:ss"), "basicauth:" + hmac_sha256_hex("test-secret", "alice:pa:ss"));
  EXPECT_EQ(s.request("GET", "/v1/", "", "", {{"Authorization", "basic " + base64_encode("alice:secret")}})
                .json()["user"]["id"],
            s.user_id("alice"));
}

TEST(HttpRouting, HelloDoesNotNegotiate) {
  TestServer s;
  Reply r = s.request("GET", "/v1/", "", "", {{"Accept", "text/html"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["url"], s.origin() + "/v1/");
}

TEST(HttpRouting, HelloHeadHasNoBody) {
  TestServer s;
  Reply r = s.request("HEAD", "/v1/");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
}

TEST(HttpRouting, HelloUnlimitedBatchIsNull) {
  TestServer s([](Settings& st, Registry&) { st.batch_max_requests = 0; });
  Json h = s.get("/v1/").json();
  EXPECT_TRUE(h["settings"].contains("batch_max_requests"));
  EXPECT_TRUE(h["settings"]["batch_max_requests"].is_null());
}

TEST(HttpRouting, Heartbeat) {
  TestServer s;
  Reply r = s.get("/v1/__heartbeat__");
  ASSERT_EQ(r.status, 200);
  Json h = r.json();
  ASSERT_TRUE(h.is_object());
  EXPECT_EQ(h["storage"], true);
  EXPECT_EQ(h["permission"], true);
  EXPECT_EQ(h["cache"], true);
  for (const auto& [k, v] : h.items()) EXPECT_TRUE(v == true || v.is_null()) << k;
  EXPECT_EQ(s.request("HEAD", "/v1/__heartbeat__").status, 200);
}

TEST(HttpRouting, LbHeartbeat) {
  TestServer s;
  Reply r = s.get("/v1/__lbheartbeat__");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json(), Json::object());
  EXPECT_EQ(s.request("HEAD", "/v1/__lbheartbeat__").status, 200);
}

TEST(HttpRouting, VersionServesTheVersionFile) {
  TempDir dir;
  std::string path = dir.path() + "/version.json";
  Json doc = {{"name", "ratchet"}, {"version", "1.2.3"}, {"commit", "abc123"},
              {"source", "https://example.com/ratchet"}};
  std::ofstream(path) << doc.dump();
  TestServer s([&](Settings& st, Registry&) { st.version_json = path; });
  Reply r = s.get("/v1/__version__");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json(), doc);
  EXPECT_EQ(s.request("HEAD", "/v1/__version__").status, 200);
}

TEST(HttpRouting, VersionServesTheBuildsVersionJsonByDefault) {
  TestServer s;
  Reply r = s.get("/v1/__version__");
  ASSERT_EQ(r.status, 200) << describe(r);
  Json doc = r.json();
  EXPECT_EQ(doc["name"], "ratchet");
  EXPECT_EQ(doc["version"], RATCHET_VERSION);
  EXPECT_EQ(doc["source"], "https://github.com/ratchet/ratchet");
  std::string commit = doc["commit"];
  EXPECT_TRUE(commit == "unknown" ||
              (commit.size() == 40 && commit.find_first_not_of("0123456789abcdef") == std::string::npos))
      << commit;
}

TEST(HttpRouting, VersionJsonPathIsKintosNameForTheFile) {
  TempDir dir;
  std::string path = dir.path() + "/v.json";
  std::ofstream(path) << R"({"name":"other","version":"9"})";
  TestServer s([&](Settings& st, Registry& r) { set_setting(st, "version_json_path", path, r); });
  EXPECT_EQ(s.get("/v1/__version__").json(), Json::parse(R"({"name":"other","version":"9"})"));
}

TEST(HttpRouting, VersionWithoutFileIs404Errno111) {
  TempDir dir;
  TestServer s([&](Settings& st, Registry&) { st.version_json = dir.path() + "/missing.json"; });
  EXPECT_TRUE(IsError(s.get("/v1/__version__"), 404, 111));
}

TEST(HttpRouting, SecurityHeadersOnEveryResponse) {
  TestServer s;
  make_bucket(s, "alice");
  const char* csp = "default-src 'none'; frame-ancestors 'none'; base-uri 'none';";
  std::vector<Reply> replies{
      s.get("/v1/"),                                       // 200 utility
      s.get("/v1/buckets/blog", "alice"),                  // 200 resource
      s.get("/"),                                          // 307
      s.get("/v1/nothing"),                                // 404
      s.get("/v1/buckets/blog"),                           // 401
      s.get("/v1/buckets/blog", "bob"),                    // 403
      s.request("PATCH", "/v1/buckets"),                   // 405
      s.request("POST", "/v1/batch", "{bad"),              // 400
      s.get("/v1/__heartbeat__"),
  };
  Reply b = s.get("/v1/buckets/blog", "alice");
  replies.push_back(s.request("GET", "/v1/buckets/blog", "", "alice",
                              {{"If-None-Match", b.header("ETag")}}));  // 304
  for (const Reply& r : replies) {
    EXPECT_EQ(r.header("X-Content-Type-Options"), "nosniff") << describe(r);
    EXPECT_EQ(r.header("Content-Security-Policy"), csp) << describe(r);
  }
}

TEST(HttpRouting, JsonContentTypeOnBodies) {
  TestServer s;
  make_bucket(s, "alice");
  for (const Reply& r : {s.get("/v1/"), s.get("/v1/buckets/blog", "alice"), s.get("/v1/nothing"),
                         s.get("/v1/buckets/blog"), s.get("/v1/__heartbeat__")}) {
    EXPECT_EQ(r.header("Content-Type").rfind("application/json", 0), 0u) << describe(r);
  }
}

// §10.4: the base set, plus what each kind of read answers with, whatever
// the status.
TEST(HttpRouting, CorsExposedHeadersDependOnTheKindOfResponse) {
  TestServer s;
  make_collection(s, "alice");
  httplib::Headers origin{{"Origin", "https://app.example"}};
  const std::string base = "Backoff, Retry-After, Alert, Content-Length, Content-Type";
  const std::string cache = "Last-Modified, ETag, Cache-Control, Expires, Pragma";
  Reply list = s.request("GET", records_path(), "", "alice", origin);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.header("Access-Control-Allow-Origin"), "*");
  EXPECT_FALSE(list.has_header("Access-Control-Allow-Credentials"));
  EXPECT_EQ(list.header("Access-Control-Expose-Headers"), base + ", Next-Page, " + cache);
  EXPECT_EQ(s.request("HEAD", records_path(), "", "alice", origin)
                .header("Access-Control-Expose-Headers"),
            base + ", Next-Page, " + cache + ", Total-Objects, Total-Records");
  Reply put = s.request("PUT", records_path() + "/r1", "{}", "alice", origin);
  ASSERT_EQ(put.status, 201) << describe(put);
  EXPECT_EQ(put.header("Access-Control-Expose-Headers"), base);
  for (const char* verb : {"GET", "HEAD"}) {
    EXPECT_EQ(s.request(verb, records_path() + "/r1", "", "alice", origin)
                  .header("Access-Control-Expose-Headers"),
              base + ", " + cache)
        << verb;
  }
  // An error answers with its route's list; what has no route, the base set.
  Reply denied = s.request("GET", "/v1/buckets/blog", "", "", origin);
  EXPECT_EQ(denied.status, 401) << describe(denied);
  EXPECT_EQ(denied.header("Access-Control-Expose-Headers"), base + ", " + cache);
  for (const Reply& r : {s.request("GET", "/v1/nothing", "", "", origin),
                         s.request("GET", "/buckets", "", "", origin),
                         s.request("GET", "/v1/", "", "", origin)}) {
    EXPECT_EQ(r.header("Access-Control-Allow-Origin"), "*") << describe(r);
    EXPECT_EQ(r.header("Access-Control-Expose-Headers"), base) << describe(r);
  }
}

// cors_origins: shell globs; an origin none matches gets no CORS headers.
TEST(HttpRouting, CorsOriginsAreGlobs) {
  TestServer s([](Settings& st, Registry& r) {
    set_setting(st, "cors_origins", "https://*.example.com http://localhost:3000", r);
  });
  for (const char* allowed : {"https://app.example.com", "http://localhost:3000"}) {
    Reply r = s.request("GET", "/v1/", "", "", {{"Origin", allowed}});
    EXPECT_EQ(r.header("Access-Control-Allow-Origin"), allowed);
    EXPECT_TRUE(r.has_header("Access-Control-Expose-Headers"));
  }
  Reply r = s.request("GET", "/v1/", "", "", {{"Origin", "https://evil.example.org"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.has_header("Access-Control-Allow-Origin"));
  EXPECT_FALSE(r.has_header("Access-Control-Expose-Headers"));
  r = s.request("OPTIONS", "/v1/buckets", "", "",
                {{"Origin", "https://evil.example.org"}, {"Access-Control-Request-Method", "GET"}});
  ASSERT_TRUE(IsError(r, 400, 107)) << describe(r);
  EXPECT_EQ(r.json()["message"], "Origin in header: https://evil.example.org not allowed");
}

TEST(HttpRouting, CorsMaxAgeZeroOmitsTheHeader) {
  TestServer s([](Settings& st, Registry& r) { set_setting(st, "cors_max_age_seconds", "0", r); });
  Reply r = s.request("OPTIONS", "/v1/buckets", "", "",
                      {{"Origin", "https://a.example"}, {"Access-Control-Request-Method", "GET"}});
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_FALSE(r.has_header("Access-Control-Max-Age"));
  TestServer t([](Settings& st, Registry& r) { set_setting(st, "cors_max_age_seconds", "60", r); });
  EXPECT_EQ(t.request("OPTIONS", "/v1/buckets", "", "",
                      {{"Origin", "https://a.example"}, {"Access-Control-Request-Method", "GET"}})
                .header("Access-Control-Max-Age"),
            "60");
}

TEST(HttpRouting, NoCorsHeadersWithoutOrigin) {
  TestServer s;
  Reply r = s.get("/v1/buckets", "alice");
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.has_header("Access-Control-Allow-Origin"));
}

TEST(HttpRouting, PreflightNeedsNoAuthentication) {
  TestServer s;
  Reply r = s.request("OPTIONS", records_path(), "", "",
                      {{"Origin", "https://app.example"},
                       {"Access-Control-Request-Method", "POST"},
                       {"Access-Control-Request-Headers", "Authorization, Content-Type,If-Match"}});
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.body, "null");
  EXPECT_EQ(r.header("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(r.header("Access-Control-Allow-Methods"), "GET,HEAD,POST,DELETE,OPTIONS");
  EXPECT_EQ(r.header("Access-Control-Allow-Headers"), "Authorization,Content-Type,If-Match");
  EXPECT_EQ(r.header("Access-Control-Max-Age"), "3600");
  EXPECT_FALSE(r.has_header("Access-Control-Expose-Headers"));

  r = s.request("OPTIONS", records_path() + "/r1", "", "",
                {{"Origin", "https://app.example"}, {"Access-Control-Request-Method", "PUT"}});
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.header("Access-Control-Allow-Methods"), "GET,HEAD,PUT,PATCH,DELETE,OPTIONS");
  EXPECT_FALSE(r.has_header("Access-Control-Allow-Headers"));

  r = s.request("OPTIONS", "/v1/", "", "",
                {{"Origin", "https://app.example"}, {"Access-Control-Request-Method", "GET"}});
  EXPECT_EQ(r.status, 200) << describe(r);
}

// As Kinto (cornice): each missing header is a detail, the message names the first.
TEST(HttpRouting, PreflightWithoutOriginOrMethodIs400) {
  TestServer s;
  auto detail = [](const char* name, const char* description) {
    return Json{{"location", "header"}, {"name", name}, {"description", description}};
  };
  Reply r = s.request("OPTIONS", records_path(), "", "", {{"Access-Control-Request-Method", "GET"}});
  ASSERT_TRUE(IsError(r, 400, 107)) << describe(r);
  EXPECT_EQ(r.json()["message"], "Origin in header: this header is mandatory");
  EXPECT_EQ(r.json()["details"], Json::array({detail("Origin", "this header is mandatory")}));
  EXPECT_FALSE(r.has_header("Access-Control-Allow-Origin"));

  r = s.request("OPTIONS", records_path(), "", "", {{"Origin", "https://a.example"}});
  ASSERT_TRUE(IsError(r, 400, 107)) << describe(r);
  EXPECT_EQ(r.json()["message"], "Access-Control-Request-Method in header: this header is mandatory");
  EXPECT_EQ(r.header("Access-Control-Allow-Origin"), "*");

  r = s.request("OPTIONS", records_path(), "", "");
  ASSERT_TRUE(IsError(r, 400, 107)) << describe(r);
  EXPECT_EQ(r.json()["details"],
            Json::array({detail("Access-Control-Request-Method", "this header is mandatory"),
                         detail("Origin", "this header is mandatory")}));
}

// §10.4 "An unsupported requested method -> 400" (cornice). Checklist item
// 57 shows PUT on the plural records URL answered 200, which contradicts it;
// PUT is not a method of that route.
TEST(HttpRouting, PreflightForUnsupportedMethodIs400) {
  TestServer s;
  Reply r = s.request("OPTIONS", records_path(), "", "",
                      {{"Origin", "https://app.example"}, {"Access-Control-Request-Method", "PUT"}});
  ASSERT_TRUE(IsError(r, 400, 107));
  EXPECT_EQ(r.json()["message"], "Access-Control-Request-Method in header: Method not allowed");
}

// §1.5: Swagger 2.0 with a path for every route, the registry's resources
// included (an application's too).
TEST(HttpRouting, ApiDescribesEveryRoute) {
  TestServer s([](Settings& st, Registry& r) {
    st.experimental_permissions_endpoint = true;
    r.add({.name = "bookmark", .plural = "bookmarks", .parent = "collection"});
  });
  Reply r = s.get("/v1/__api__");
  ASSERT_EQ(r.status, 200) << describe(r);
  Json doc = r.json();
  EXPECT_EQ(doc["swagger"], "2.0");
  EXPECT_EQ(doc["info"], (Json{{"title", "ratchet"}, {"version", "1.23"}}));
  EXPECT_EQ(doc["basePath"], "/v1");
  EXPECT_EQ(doc["schemes"], Json::array({"http"}));
  EXPECT_EQ(doc["host"], "127.0.0.1:" + std::to_string(s.port()));
  EXPECT_EQ(doc["securityDefinitions"], (Json{{"basicauth", {{"type", "basic"}}}}));
  const Json& paths = doc["paths"];
  for (const char* p : {"/", "/__heartbeat__", "/__lbheartbeat__", "/__version__", "/__api__",
                        "/contribute.json", "/batch", "/permissions", "/buckets", "/buckets/{id}",
                        "/buckets/{bucket_id}/groups/{id}",
                        "/buckets/{bucket_id}/collections/{collection_id}/records/{id}",
                        "/buckets/{bucket_id}/collections/{collection_id}/bookmarks"}) {
    EXPECT_TRUE(paths.contains(p)) << p;
  }
  const Json& records = paths["/buckets/{bucket_id}/collections/{collection_id}/records"];
  for (const char* verb : {"get", "head", "post", "delete"}) EXPECT_TRUE(records.contains(verb)) << verb;
  EXPECT_FALSE(records.contains("put"));
  EXPECT_EQ(records["get"]["parameters"].size(), 2u);
  EXPECT_EQ(paths["/buckets/{id}"].size(), 5u);  // get head put patch delete
  EXPECT_TRUE(paths["/batch"].contains("post"));
}

TEST(HttpRouting, ContributeJson) {
  TestServer s;
  Reply r = s.get("/v1/contribute.json");
  ASSERT_EQ(r.status, 200) << describe(r);
  Json doc = r.json();
  EXPECT_EQ(doc["name"], "ratchet");
  for (const char* key : {"description", "repository", "participate", "bugs", "keywords"}) {
    EXPECT_TRUE(doc.contains(key)) << key;
  }
  Reply redirect = s.get("/contribute.json");
  EXPECT_EQ(redirect.status, 307);
  EXPECT_EQ(redirect.header("Location"), "http://127.0.0.1:" + std::to_string(s.port()) +
                                             "/v1/contribute.json");
}

}  // namespace
}  // namespace ratchet::testing
