// The bookmarks application through HTTP: private per-user objects, a
// required url checked by the resource's data check, and a domain added by
// its process hook.
#include <gtest/gtest.h>

#include "bookmarks.h"
#include "tests/test_server.h"

namespace {

using ratchet::testing::Reply;
using ratchet::testing::TestServer;

class Bookmarks : public ::testing::Test {
 protected:
  TestServer server{[](ratchet::Settings&, ratchet::Registry& registry) {
    bookmarks::add_bookmarks(registry);
  }};
};

TEST_F(Bookmarks, AnonymousIsRefused) {
  EXPECT_EQ(server.get("/v1/bookmarks").status, 401);
  EXPECT_EQ(server.request("POST", "/v1/bookmarks", R"({"data":{"url":"https://a.org"}})").status,
            401);
}

TEST_F(Bookmarks, CreateAddsTheDomainAndCarriesNoPermissions) {
  Reply r = server.request("POST", "/v1/bookmarks",
                           R"({"data":{"url":"https://Mozilla.org:443/en/","title":"Moz"}})",
                           "alice");
  ASSERT_EQ(r.status, 201) << r.body;
  auto body = r.json();
  EXPECT_EQ(body["data"]["domain"], "mozilla.org");
  EXPECT_EQ(body["data"]["title"], "Moz");
  EXPECT_EQ(body["data"]["id"].get<std::string>().size(), 36u);  // a UUID
  EXPECT_FALSE(body.contains("permissions"));
}

TEST_F(Bookmarks, UrlIsRequiredAndChecked) {
  Reply missing = server.request("POST", "/v1/bookmarks", R"({"data":{"title":"x"}})", "alice");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.json()["errno"], 107);
  EXPECT_EQ(missing.json()["details"][0]["name"], "data.url");
  Reply bad = server.request("POST", "/v1/bookmarks", R"({"data":{"url":"ftp://x"}})", "alice");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(server.get("/v1/bookmarks", "alice").json()["data"].size(), 0u);
}

TEST_F(Bookmarks, EachUserSeesOnlyTheirOwn) {
  Reply created =
      server.request("PUT", "/v1/bookmarks/b1", R"({"data":{"url":"http://a.org"}})", "alice");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(server.get("/v1/bookmarks", "alice").json()["data"].size(), 1u);
  EXPECT_EQ(server.get("/v1/bookmarks", "bob").json()["data"].size(), 0u);
  EXPECT_EQ(server.get("/v1/bookmarks/b1", "bob").status, 404);
  // Bob's own b1 is a different object.
  ASSERT_EQ(server.request("PUT", "/v1/bookmarks/b1", R"({"data":{"url":"http://b.org"}})", "bob")
                .status,
            201);
  EXPECT_EQ(server.get("/v1/bookmarks/b1", "alice").json()["data"]["domain"], "a.org");
  EXPECT_EQ(server.get("/v1/bookmarks/b1", "bob").json()["data"]["domain"], "b.org");
}

TEST_F(Bookmarks, PatchRunsTheCheckAndTheHookAgain) {
  ASSERT_EQ(server.request("PUT", "/v1/bookmarks/b1", R"({"data":{"url":"http://a.org"}})", "alice")
                .status,
            201);
  Reply patched =
      server.request("PATCH", "/v1/bookmarks/b1", R"({"data":{"url":"https://c.net/x"}})", "alice");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json()["data"]["domain"], "c.net");
  Reply removed = server.request("PATCH", "/v1/bookmarks/b1", R"({"data":{"url":7}})", "alice");
  EXPECT_EQ(removed.status, 400);
  EXPECT_EQ(server.get("/v1/bookmarks/b1", "alice").json()["data"]["url"], "https://c.net/x");
}

TEST_F(Bookmarks, PermissionsAreRejected) {
  Reply r = server.request("POST", "/v1/bookmarks",
                           R"({"data":{"url":"http://a.org"},"permissions":{"read":["x"]}})",
                           "alice");
  EXPECT_EQ(r.status, 400);
}

}  // namespace
