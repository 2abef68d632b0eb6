// Kinto's history plugin over HTTP (PROTOCOL.md §12.2): an entry per
// create, update and delete of buckets, groups, collections and records (in
// batches and plural deletes too) in Kinto's shape, readable at once;
// filters, _since and pagination; entries a reader may see; purge; the
// settings that exclude; the capability; and outbox records a crash left
// behind turned into entries at start-up.
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <thread>

#include "store/commit.h"
#include "store/engine.h"
#include "tests/http_helpers.h"

namespace ratchet::testing {
namespace {

void history(Settings& st, Registry&) { st.includes = {"history"}; }

const char kHistory[] = "/v1/buckets/blog/history";

Json entries(TestServer& s, const std::string& query = "", const std::string& user = "alice") {
  return must(s, "GET", kHistory + query, "", user, {200})["data"];
}

TEST(HttpHistory, EveryWriteHasAnEntryInKintosShape) {
  TestServer s(history);
  make_bucket(s, "alice");
  must(s, "PUT", "/v1/buckets/blog/collections/c", "", "alice", {201});
  must(s, "PUT", "/v1/buckets/blog/groups/g", R"({"data":{"members":["bob"]}})", "alice", {201});
  Json record = make_record(s, "alice", "r1", R"({"data":{"title":"one"}})");
  must(s, "PATCH", records_path() + "/r1", R"({"data":{"title":"two"}})", "alice", {200});
  must(s, "DELETE", records_path() + "/r1", "", "alice", {200});

  Json all = entries(s);
  ASSERT_EQ(all.size(), 6u) << all.dump();
  std::vector<std::string> seen;
  for (const Json& e : all) seen.push_back(e["resource_name"].get<std::string>() + ":" + e["action"].get<std::string>());
  EXPECT_EQ(seen, (std::vector<std::string>{"record:delete", "record:update", "record:create",
                                            "group:create", "collection:create", "bucket:create"}));
  // Newest first, timestamps strictly decreasing.
  for (size_t i = 1; i < all.size(); ++i) {
    EXPECT_GT(all[i - 1]["last_modified"].get<int64_t>(), all[i]["last_modified"].get<int64_t>());
  }
  const Json& update = all[1];
  EXPECT_EQ(update["uri"], "/buckets/blog/collections/c/records/r1");
  EXPECT_EQ(update["collection_id"], "c");
  EXPECT_EQ(update["record_id"], "r1");
  EXPECT_FALSE(update.contains("bucket_id"));
  EXPECT_EQ(update["user_id"], basic_id("alice"));
  EXPECT_TRUE(std::regex_match(update["date"].get<std::string>(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00)")))
      << update["date"];
  EXPECT_EQ(update["target"]["data"]["title"], "two");
  EXPECT_EQ(update["target"]["data"]["id"], "r1");
  EXPECT_EQ(update["target"]["permissions"]["write"], Json::array({basic_id("alice")}));
  EXPECT_TRUE(std::regex_match(update["id"].get<std::string>(), uuid4_regex()));
  EXPECT_EQ(all[0]["target"]["data"]["deleted"], true);
  EXPECT_EQ(all[5]["bucket_id"], "blog");
  EXPECT_EQ(all[5]["uri"], "/buckets/blog");
  EXPECT_EQ(all[3]["group_id"], "g");
  EXPECT_EQ(all[4]["collection_id"], "c");
}

TEST(HttpHistory, BatchesAndPluralDeletesHaveAnEntryPerObject) {
  TestServer s(history);
  make_collection(s, "alice");
  Json batch = {{"defaults", {{"method", "POST"}, {"path", "/buckets/blog/collections/c/records"}}},
                {"requests", Json::array({{{"body", {{"data", {{"n", 1}}}}}},
                                          {{"body", {{"data", {{"n", 2}}}}}},
                                          {{"body", {{"data", {{"n", 3}}}}}}})}};
  must(s, "POST", "/v1/batch", batch.dump(), "alice", {200});
  EXPECT_EQ(entries(s, "?resource_name=record&action=create").size(), 3u);
  must(s, "DELETE", records_path(), "", "alice", {200});
  EXPECT_EQ(entries(s, "?action=delete").size(), 3u);
}

TEST(HttpHistory, FiltersSinceAndPagination) {
  TestServer s(history);
  make_collection(s, "alice");
  for (int i = 0; i < 5; ++i) post_record(s, "alice", {{"title", "t" + std::to_string(i)}});
  EXPECT_EQ(entries(s, "?target.data.title=t3").size(), 1u);
  EXPECT_EQ(entries(s, "?resource_name=collection").size(), 1u);
  EXPECT_EQ(entries(s, "?uri=/buckets/blog/collections/c").size(), 1u);
  Json all = entries(s, "?_sort=last_modified");
  ASSERT_EQ(all.size(), 7u);
  int64_t third = all[2]["last_modified"].get<int64_t>();
  EXPECT_EQ(entries(s, "?_since=" + std::to_string(third)).size(), 4u);
  EXPECT_EQ(entries(s, "?_before=" + std::to_string(third)).size(), 2u);
  Reply page = s.get(std::string(kHistory) + "?_limit=2", "alice");
  EXPECT_EQ(page.json()["data"].size(), 2u);
  EXPECT_FALSE(page.header("Next-Page").empty());
  EXPECT_EQ(HasStatus(s.request("POST", kHistory, "{}", "alice"), 405), ::testing::AssertionSuccess());
}

TEST(HttpHistory, ReadersSeeTheEntriesOfWhatTheyMayRead) {
  TestServer s(history);
  make_bucket(s, "alice");
  must(s, "PUT", "/v1/buckets/blog/collections/shared",
       Json{{"permissions", {{"read", {basic_id("bob")}}}}}.dump(), "alice", {201});
  must(s, "PUT", "/v1/buckets/blog/collections/private", "", "alice", {201});
  make_record(s, "alice", "a", R"({"data":{}})", "blog", "shared");
  make_record(s, "alice", "b", R"({"data":{}})", "blog", "private");

  Json bobs = entries(s, "", "bob");
  std::set<std::string> uris;
  for (const Json& e : bobs) uris.insert(e["uri"].get<std::string>());
  EXPECT_EQ(uris, (std::set<std::string>{"/buckets/blog/collections/shared",
                                         "/buckets/blog/collections/shared/records/a"}));
  EXPECT_EQ(entries(s).size(), 5u);  // the bucket's writer sees everything

  // A bucket reader sees every entry, whatever was granted at the time.
  must(s, "PATCH", "/v1/buckets/blog", Json{{"permissions", {{"read", {basic_id("carol")}}}}}.dump(),
       "alice", {200});
  EXPECT_EQ(entries(s, "", "carol").size(), 6u);
  // Nobody may create entries.
  EXPECT_TRUE(IsError(s.request("PATCH", "/v1/buckets/blog",
                                Json{{"permissions", {{"history:create", {"system.Everyone"}}}}}.dump(),
                                "alice"),
                      400, 107));
}

TEST(HttpHistory, PurgeAndBucketDeletion) {
  TestServer s(history);
  make_collection(s, "alice");
  post_record(s, "alice");
  must(s, "PATCH", "/v1/buckets/blog", Json{{"permissions", {{"read", {basic_id("bob")}}}}}.dump(),
       "alice", {200});
  EXPECT_EQ(s.request("DELETE", kHistory, "", "bob").status, 403);
  must(s, "DELETE", std::string(kHistory) + "?resource_name=record", "", "alice", {200});
  EXPECT_EQ(entries(s, "?resource_name=record").size(), 0u);
  EXPECT_EQ(entries(s).size(), 3u);  // bucket create, collection create, bucket update

  // A bucket's history goes with it.
  must(s, "DELETE", "/v1/buckets/blog", "", "alice", {200});
  make_bucket(s, "alice");
  Json fresh = entries(s);
  ASSERT_EQ(fresh.size(), 1u);
  EXPECT_EQ(fresh[0]["action"], "create");
}

TEST(HttpHistory, ExcludedResourcesAndUsersAndTheCapability) {
  TestServer s([](Settings& st, Registry& r) {
    history(st, r);
    st.extra["history.exclude_resources"] = "/buckets/blog/collections/quiet";
    st.extra["history.exclude_user_ids"] = basic_id("robot");
  });
  make_bucket(s, "alice");
  must(s, "PATCH", "/v1/buckets/blog", Json{{"permissions", {{"write", {basic_id("robot")}}}}}.dump(),
       "alice", {200});
  must(s, "PUT", "/v1/buckets/blog/collections/quiet", "", "alice", {201});
  make_record(s, "alice", "r", R"({"data":{}})", "blog", "quiet");
  must(s, "PUT", "/v1/buckets/blog/collections/loud", "", "robot", {201});
  std::set<std::string> uris;
  for (const Json& e : entries(s)) uris.insert(e["uri"].get<std::string>());
  EXPECT_EQ(uris, std::set<std::string>{"/buckets/blog"});

  Json capability = s.get("/v1/").json()["capabilities"]["history"];
  EXPECT_EQ(capability["description"], "Track changes on data.");
  EXPECT_EQ(capability["excluded_resources"],
            Json::parse(R"([{"bucket":"blog","collection":"quiet"}])"));
}

TEST(HttpHistory, AutoTrimKeepsTheNewestEntriesOfEachKind) {
  TestServer s([](Settings& st, Registry& r) {
    history(st, r);
    st.extra["history.auto_trim_max_count"] = "2";
    st.extra["history.auto_trim_threshold"] = "1";
  });
  make_collection(s, "alice");
  std::vector<std::string> ids;
  for (int i = 0; i < 8; ++i) ids.push_back(post_record(s, "alice", {{"n", i}})["id"].get<std::string>());
  Json records = entries(s, "?resource_name=record");
  EXPECT_GE(records.size(), 2u);
  EXPECT_LE(records.size(), 3u);  // trimmed to 2 once there are more than 2 + 1
  EXPECT_EQ(records[0]["record_id"], ids.back());
  EXPECT_EQ(entries(s, "?resource_name=collection").size(), 1u);  // other kinds untouched
  EXPECT_EQ(s.get("/v1/").json()["capabilities"]["history"]["auto_trim_max_count"], 2);
}

TEST(HttpHistory, SnapshotOfACollectionAtATimestamp) {
  TestServer s(history);
  make_collection(s, "alice");
  make_record(s, "alice", "r1", R"({"data":{"title":"a"}})");
  int64_t then = make_record(s, "alice", "r3", R"({"data":{"title":"gone"}})")["last_modified"];
  must(s, "PATCH", records_path() + "/r1", R"({"data":{"title":"b"}})", "alice", {200});
  must(s, "DELETE", records_path() + "/r3", "", "alice", {200});
  int64_t now = make_record(s, "alice", "r2", R"({"data":{"title":"new"}})")["last_modified"];
  std::string at = "/v1/buckets/blog/snapshot/collections/c@";

  Json before = must(s, "GET", at + std::to_string(then), "", "alice", {200})["data"];
  ASSERT_EQ(before.size(), 2u) << before.dump();
  EXPECT_EQ(before[0]["id"], "r3");
  EXPECT_EQ(before[0]["title"], "gone");
  EXPECT_EQ(before[1]["id"], "r1");
  EXPECT_EQ(before[1]["title"], "a");
  Json latest = must(s, "GET", at + std::to_string(now), "", "alice", {200})["data"];
  ASSERT_EQ(latest.size(), 2u) << latest.dump();
  EXPECT_EQ(latest[0]["id"], "r2");
  EXPECT_EQ(latest[1]["title"], "b");
  EXPECT_EQ(must(s, "GET", at + "1", "", "alice", {200})["data"].size(), 0u);

  EXPECT_TRUE(IsError(s.get(at + "yesterday", "alice"), 400, 107));
  EXPECT_TRUE(IsError(s.get(at + "-5", "alice"), 400, 107));
  EXPECT_EQ(s.get(at + "1", "bob").status, 403);
  EXPECT_EQ(s.get(at + "1").status, 401);
  EXPECT_TRUE(IsError(s.get("/v1/buckets/blog/snapshot/groups/g@1", "alice"), 404, 111));
}

TEST(HttpHistory, OutboxRecordsLeftByACrashBecomeEntriesAtStartUp) {
  TempDir dir;
  auto on_disk = [&](Settings& st, Registry& r) {
    history(st, r);
    st.storage_backend = "rocksdb";
    st.storage_path = dir.path() + "/data";
  };
  {
    TestServer s(on_disk);
    make_bucket(s, "alice");
  }
  {
    // What a write commits before the history writer consumes it.
    auto engine = open_engine("rocksdb", dir.path() + "/data");
    Commit commit;
    commit.changes.push_back(OutboxRecord{
        ListId{"/buckets/blog", "history"}, "00000000000000000001/buckets/blog/groups/g",
        "{\"read\":[]}\n"
        R"({"action":"create","resource_name":"group","uri":"/buckets/blog/groups/g","group_id":"g"})",
        true});
    engine->write(encode(commit), true);
  }
  TestServer s(on_disk);
  Json found;
  for (int i = 0; i < 100 && found.empty(); ++i) {
    found = entries(s, "?resource_name=group");
    if (found.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["uri"], "/buckets/blog/groups/g");
  // Consumed once: the bucket's creation and the recovered entry.
  EXPECT_EQ(entries(s).size(), 2u);
}

}  // namespace
}  // namespace ratchet::testing
