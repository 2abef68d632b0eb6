// last_modified and list timestamps over HTTP (PROTOCOL.md §2.4, §5.1):
// stable ETags of empty lists, strictly increasing values, which client
// timestamps are honoured, DELETE ?last_modified=, header forms.
#include <gtest/gtest.h>

#include "tests/http_helpers.h"

namespace ratchet::testing {
namespace {

class HttpTimestamps : public ::testing::Test {
 protected:
  void SetUp() override { make_collection(s, "alice"); }
  int64_t list_ts() { return etag_value(s.get(records_path(), "alice")); }
  Json record(const std::string& id) { return s.get(records_path() + "/" + id, "alice").json()["data"]; }
  TestServer s;
};

TEST_F(HttpTimestamps, EmptyListEtagIsStableAcrossReads) {
  Reply first = s.get(records_path(), "alice");
  ASSERT_EQ(first.status, 200);
  int64_t t = etag_value(first);
  EXPECT_GT(t, 0);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(etag_value(s.get(records_path(), "alice")), t);
    EXPECT_EQ(etag_value(s.request("HEAD", records_path(), "", "alice")), t);
  }
  // Other lists being written does not move it.
  must(s, "PUT", "/v1/buckets/blog/collections/other", "", "alice", {201});
  post_record(s, "alice", Json::object(), "blog", "other");
  EXPECT_EQ(list_ts(), t);
  // The first write goes strictly above it.
  Json r = post_record(s, "alice");
  EXPECT_GT(r["last_modified"].get<int64_t>(), t);
  EXPECT_EQ(list_ts(), r["last_modified"].get<int64_t>());
}

TEST_F(HttpTimestamps, EmptyListsOfEveryKindAreStable) {
  for (const std::string& path : {std::string("/v1/buckets/blog/groups"),
                                  std::string("/v1/buckets/blog/collections/c/records")}) {
    int64_t t = etag_value(s.get(path, "alice"));
    EXPECT_EQ(etag_value(s.get(path, "alice")), t) << path;
    EXPECT_EQ(etag_value(s.request("HEAD", path, "", "alice")), t) << path;
  }
  TestServer fresh;  // nothing written at all: even the buckets list is stable
  int64_t buckets = etag_value(fresh.get("/v1/buckets", "bob"));
  EXPECT_EQ(etag_value(fresh.get("/v1/buckets", "bob")), buckets);
  EXPECT_EQ(etag_value(fresh.get("/v1/buckets", "carol")), buckets);
}

TEST_F(HttpTimestamps, EveryWriteIsStrictlyIncreasing) {
  int64_t previous = list_ts();
  for (int i = 0; i < 30; ++i) {
    Reply r = s.request("POST", records_path(), "{}", "alice");
    ASSERT_EQ(r.status, 201);
    int64_t lm = r.json()["data"]["last_modified"];
    EXPECT_GT(lm, previous);
    EXPECT_EQ(etag_value(r), lm);
    previous = lm;
  }
  EXPECT_EQ(list_ts(), previous);
  make_record(s, "alice", "r");
  for (const auto& [method, body] : std::vector<std::pair<std::string, std::string>>{
           {"PUT", R"({"data":{"a":1}})"}, {"PATCH", R"({"data":{"b":2}})"}, {"PUT", ""},
           {"PATCH", R"({"data":{}})"}, {"DELETE", ""}}) {
    int64_t before = list_ts();
    Reply r = s.request(method, records_path() + "/r", body, "alice");
    ASSERT_EQ(r.status, 200) << method << ": " << describe(r);
    int64_t lm = r.json()["data"]["last_modified"];
    EXPECT_GT(lm, before) << method;
    EXPECT_EQ(list_ts(), lm) << method;
    EXPECT_EQ(etag_value(r), lm) << method;
  }
}

TEST_F(HttpTimestamps, LastModifiedHeaderIsTheHttpDateOfTheEtag) {
  Json r = make_record(s, "alice", "r1");
  Reply got = s.get(records_path() + "/r1", "alice");
  EXPECT_EQ(got.header("Last-Modified"), http_date(r["last_modified"]));
  EXPECT_TRUE(std::regex_match(got.header("Last-Modified"),
                               std::regex("^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} "
                                          "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                                          "[0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT$")))
      << got.header("Last-Modified");
  Reply list = s.get(records_path(), "alice");
  EXPECT_EQ(list.header("Last-Modified"), http_date(etag_value(list)));
}

TEST_F(HttpTimestamps, CreateKeepsAFutureClientTimestamp) {
  int64_t t = list_ts();
  Reply r = s.request("PUT", records_path() + "/r2",
                      Json{{"data", {{"last_modified", t + 100000}}}}.dump(), "alice");
  ASSERT_EQ(r.status, 201);
  EXPECT_EQ(r.json()["data"]["last_modified"], t + 100000);
  EXPECT_EQ(etag_value(r), t + 100000);
  EXPECT_EQ(list_ts(), t + 100000);
  // The next write goes above it.
  EXPECT_GT(post_record(s, "alice")["last_modified"].get<int64_t>(), t + 100000);
}

TEST_F(HttpTimestamps, CreateKeepsAPastClientTimestampWithoutMovingTheList) {
  post_record(s, "alice");
  int64_t t = list_ts();
  Json r = post_record(s, "alice", {{"last_modified", 1000}});
  EXPECT_EQ(r["last_modified"], 1000);
  EXPECT_EQ(list_ts(), t);
  EXPECT_EQ(record(r["id"])["last_modified"], 1000);
}

TEST_F(HttpTimestamps, ClientTimestampEqualToTheListIsBumped) {
  post_record(s, "alice");
  int64_t t = list_ts();
  Json r = post_record(s, "alice", {{"last_modified", t}});
  EXPECT_EQ(r["last_modified"], t + 1);
  EXPECT_EQ(list_ts(), t + 1);
}

TEST_F(HttpTimestamps, NonIntegerClientTimestampIsIgnored) {
  int64_t t = list_ts();
  for (const Json& bad : {Json("123"), Json(1.5), Json(nullptr), Json::array({1}), Json(true)}) {
    Reply r = s.request("POST", records_path(), Json{{"data", {{"last_modified", bad}}}}.dump(), "alice");
    ASSERT_EQ(r.status, 201) << bad << ": " << describe(r);
    ASSERT_TRUE(r.json()["data"]["last_modified"].is_number_integer()) << bad;
    EXPECT_GT(r.json()["data"]["last_modified"].get<int64_t>(), t) << bad;
    t = r.json()["data"]["last_modified"];
  }
}

TEST_F(HttpTimestamps, ReplaceHonoursOnlyNewerClientTimestamps) {
  int64_t lm = make_record(s, "alice", "r")["last_modified"];
  // kinto.js resends the old value: discarded, the object is bumped.
  Reply r = s.request("PUT", records_path() + "/r", Json{{"data", {{"last_modified", lm}}}}.dump(), "alice");
  int64_t bumped = r.json()["data"]["last_modified"];
  EXPECT_GT(bumped, lm);
  r = s.request("PUT", records_path() + "/r", Json{{"data", {{"last_modified", lm - 10}}}}.dump(), "alice");
  EXPECT_GT(r.json()["data"]["last_modified"].get<int64_t>(), bumped);
  int64_t future = r.json()["data"]["last_modified"].get<int64_t>() + 50000;
  r = s.request("PUT", records_path() + "/r", Json{{"data", {{"last_modified", future}}}}.dump(), "alice");
  EXPECT_EQ(r.json()["data"]["last_modified"], future);
  EXPECT_EQ(list_ts(), future);
}

TEST_F(HttpTimestamps, PatchHonoursOnlyNewerClientTimestamps) {
  int64_t lm = make_record(s, "alice", "r")["last_modified"];
  Reply r = s.request("PATCH", records_path() + "/r", Json{{"data", {{"last_modified", lm}}}}.dump(), "alice");
  ASSERT_EQ(r.status, 200);
  int64_t bumped = r.json()["data"]["last_modified"];
  EXPECT_GT(bumped, lm);
  r = s.request("PATCH", records_path() + "/r", Json{{"data", {{"last_modified", bumped + 70000}}}}.dump(),
                "alice");
  EXPECT_EQ(r.json()["data"]["last_modified"], bumped + 70000);
  EXPECT_EQ(record("r")["last_modified"], bumped + 70000);
}

TEST_F(HttpTimestamps, EmptyPatchStillBumps) {
  Json before = make_record(s, "alice", "r", R"({"data":{"a":1}})");
  Reply r = s.request("PATCH", records_path() + "/r", R"({"data":{}})", "alice");
  ASSERT_EQ(r.status, 200);
  EXPECT_GT(r.json()["data"]["last_modified"].get<int64_t>(), before["last_modified"].get<int64_t>());
  EXPECT_EQ(r.json()["data"]["a"], 1);
  // Same for an unchanged value and for a permissions-only patch.
  int64_t lm = r.json()["data"]["last_modified"];
  r = s.request("PATCH", records_path() + "/r", R"({"data":{"a":1}})", "alice");
  EXPECT_GT(r.json()["data"]["last_modified"].get<int64_t>(), lm);
  lm = r.json()["data"]["last_modified"];
  r = s.request("PATCH", records_path() + "/r", R"({"permissions":{"read":["system.Everyone"]}})", "alice");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_GT(r.json()["data"]["last_modified"].get<int64_t>(), lm);
}

TEST_F(HttpTimestamps, DeleteHonoursANewerLastModifiedQuery) {
  int64_t lm = make_record(s, "alice", "r")["last_modified"];
  Reply r = s.request("DELETE", records_path() + "/r?last_modified=" + std::to_string(lm + 90000), "", "alice");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["data"]["last_modified"], lm + 90000);
  EXPECT_EQ(etag_value(r), lm + 90000);
  EXPECT_EQ(list_ts(), lm + 90000);
}

TEST_F(HttpTimestamps, DeleteIgnoresANotNewerLastModifiedQuery) {
  for (int64_t delta : {0, -1, -100000}) {
    std::string id = "x" + std::to_string(-delta);
    int64_t lm = make_record(s, "alice", id)["last_modified"];
    int64_t before = list_ts();
    Reply r = s.request("DELETE", records_path() + "/" + id + "?last_modified=" + std::to_string(lm + delta),
                        "", "alice");
    ASSERT_EQ(r.status, 200) << describe(r);
    EXPECT_GT(r.json()["data"]["last_modified"].get<int64_t>(), before) << delta;
  }
}

TEST_F(HttpTimestamps, DeletingNeverLowersTheListTimestamp) {
  Json old = post_record(s, "alice", {{"last_modified", 1000}});  // in the past
  for (int i = 0; i < 3; ++i) post_record(s, "alice");
  int64_t t = list_ts();
  Reply r = s.request("DELETE", records_path() + "/" + old["id"].get<std::string>(), "", "alice");
  ASSERT_EQ(r.status, 200);
  EXPECT_GT(r.json()["data"]["last_modified"].get<int64_t>(), t);
  EXPECT_EQ(list_ts(), r.json()["data"]["last_modified"].get<int64_t>());
  // Deleting everything keeps the list at the newest tombstone.
  Reply all = s.request("DELETE", records_path(), "", "alice");
  int64_t newest = etag_value(all);
  EXPECT_EQ(list_ts(), newest);
  EXPECT_EQ(s.get(records_path(), "alice").json()["data"], Json::array());
}

TEST_F(HttpTimestamps, BucketListEtagIgnoresAclFiltering) {
  // Bob cannot read alice's bucket, but the buckets list timestamp is the
  // whole list's.
  Json b = make_bucket(s, "alice", "later")["data"];
  Reply r = s.get("/v1/buckets", "bob");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["data"], Json::array());
  EXPECT_EQ(etag_value(r), b["last_modified"].get<int64_t>());
}

TEST_F(HttpTimestamps, ObjectEtagIsItsLastModified) {
  Json r = make_record(s, "alice", "r");
  EXPECT_EQ(s.get(records_path() + "/r", "alice").header("ETag"), quoted(r["last_modified"]));
  Json c = s.get("/v1/buckets/blog/collections/c", "alice").json()["data"];
  EXPECT_EQ(s.get("/v1/buckets/blog/collections/c", "alice").header("ETag"), quoted(c["last_modified"]));
  // A record write does not touch its collection's own last_modified.
  post_record(s, "alice");
  EXPECT_EQ(s.get("/v1/buckets/blog/collections/c", "alice").json()["data"], c);
}

}  // namespace
}  // namespace ratchet::testing
