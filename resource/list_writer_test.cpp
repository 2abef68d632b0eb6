// The single writer of one list, driven as a list actor drives it (apply,
// seal, write the commit, committed) over a memory engine: answers and
// timestamps of writes, the refusals that change nothing, batches and abandon.
#include "resource/list_writer.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "ratchet/json.h"
#include "ratchet/registry.h"
#include "ratchet/settings.h"
#include "resource/context.h"
#include "store/commit.h"
#include "store/engine.h"
#include "store/list_reader.h"
#include "tests/node_ops.h"

namespace ratchet {
namespace {

using testing::node_op;
using testing::with_data;

const char kAlice[] = "basicauth:alice";
const char kBob[] = "basicauth:bob";
const char kCarol[] = "basicauth:carol";
const char kRecord1[] = "6a4e9d38-1b2c-4c3d-9e8f-0123456789ab";

// `op` made by an anonymous caller: no user id, only system.Everyone.
Op anonymous(Op op) {
  op.user_id.clear();
  op.principals = {"system.Everyone"};
  return op;
}

Precondition at(int64_t ts) { return {Precondition::kValue, ts}; }

class ListWriterTest : public ::testing::Test {
 protected:
  ListWriterTest() { add_kinto_resources(registry_); }

  const ResourceType& type(const char* name) { return *registry_.find(name); }

  // What the list actor does once a batch is applied.
  void commit(ListWriter& writer) {
    Commit c = writer.seal();
    engine_->write(encode(c), true);
    writer.committed();
  }
  Result write(ListWriter& writer, const Op& op) {
    Result r = writer.apply(op);
    commit(writer);
    return r;
  }

  // The committed state of one list.
  struct Committed {
    std::unique_ptr<Snapshot> snapshot;
    std::unique_ptr<ListView> view;
    const ListView* operator->() const { return view.get(); }
  };
  Committed committed(const std::string& resource, const std::string& parent) {
    Committed c;
    c.snapshot = engine_->snapshot();
    c.view = std::make_unique<ListView>(*c.snapshot, ListId{parent, resource});
    return c;
  }
  StoredObject stored(const std::string& resource, const std::string& parent,
                      const std::string& id) {
    return committed(resource, parent)->get(id);
  }

  // Bucket "b" owned by alice, with collection "c" when `collection`.
  void make_bucket(bool collection) {
    ListWriter buckets(ctx_, type("bucket"), "");
    ASSERT_EQ(write(buckets, node_op(kPut, "bucket", "", "b", kAlice)).status, 201);
    if (!collection) return;
    ListWriter collections(ctx_, type("collection"), "/buckets/b");
    ASSERT_EQ(write(collections, node_op(kPut, "collection", "/buckets/b", "c", kAlice)).status,
              201);
  }

  Registry registry_;
  Settings settings_;
  std::unique_ptr<Engine> engine_ = open_engine("memory", "");
  Context ctx_{registry_, settings_, *engine_};
};

TEST_F(ListWriterTest, CreatingABucketAnswers201WithItsTimestamp) {
  ListWriter buckets(ctx_, type("bucket"), "");
  Result r = buckets.apply(with_data(node_op(kPut, "bucket", "", "b", kAlice), R"({"title":"B"})"));
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.errno_, 0);
  ASSERT_GT(r.timestamp, 0);
  Json body = parse_json(r.body);
  EXPECT_EQ(body["data"]["id"], "b");
  EXPECT_EQ(body["data"]["last_modified"], r.timestamp);
  EXPECT_EQ(body["data"]["title"], "B");
  EXPECT_EQ(body["permissions"]["write"], Json::array({kAlice}));

  // Nothing is durable before the commit; then all of it is.
  EXPECT_TRUE(buckets.dirty());
  EXPECT_FALSE(stored("bucket", "", "b").exists);
  commit(buckets);
  EXPECT_FALSE(buckets.dirty());
  StoredObject b = stored("bucket", "", "b");
  ASSERT_TRUE(b.exists);
  EXPECT_EQ(b.ts, r.timestamp);
  EXPECT_EQ(parse_json(b.text), body["data"]);
  EXPECT_EQ(parse_json(b.acl), Json::parse(R"({"write":["basicauth:alice"]})"));
  auto list = committed("bucket", "");
  EXPECT_EQ(list->timestamp(), r.timestamp);
  EXPECT_EQ(list->count(), 1);
}

TEST_F(ListWriterTest, ExplicitPermissionsMakeTheAuthorAWriter) {
  settings_.explicit_permissions = false;
  ListWriter buckets(ctx_, type("bucket"), "");
  Op op = node_op(kPut, "bucket", "", "b", kAlice);
  op.has_permissions = true;
  op.permissions = R"({"read":["basicauth:carol"]})";
  EXPECT_EQ(write(buckets, op).status, 201);
  EXPECT_EQ(parse_json(stored("bucket", "", "b").acl),
            Json::parse(R"({"read":["basicauth:carol"]})"));

  settings_.explicit_permissions = true;
  op.id = "b2";
  EXPECT_EQ(write(buckets, op).status, 201);
  EXPECT_EQ(parse_json(stored("bucket", "", "b2").acl),
            Json::parse(R"({"read":["basicauth:carol"],"write":["basicauth:alice"]})"));
}

TEST_F(ListWriterTest, EachWriteIsLaterThanThePreviousAndTheListTakesTheLast) {
  ListWriter buckets(ctx_, type("bucket"), "");
  std::vector<Op> ops = {
      node_op(kPut, "bucket", "", "a", kAlice),
      node_op(kPut, "bucket", "", "b", kAlice),
      with_data(node_op(kPatch, "bucket", "", "a", kAlice), R"({"title":"A"})"),
      node_op(kPut, "bucket", "", "c", kAlice),
      node_op(kDelete, "bucket", "", "b", kAlice),
      with_data(node_op(kPut, "bucket", "", "c", kAlice), R"({"title":"C"})"),
      node_op(kPost, "bucket", "", "", kAlice),
  };
  int64_t last = 0;
  for (size_t i = 0; i < ops.size(); ++i) {
    Result r = buckets.apply(ops[i]);
    ASSERT_LT(r.status, 300) << i << " " << r.body;
    EXPECT_GT(r.timestamp, last) << i;
    last = r.timestamp;
    if (i % 2) commit(buckets);  // within a batch and across batches
  }
  commit(buckets);
  auto list = committed("bucket", "");
  EXPECT_EQ(list->timestamp(), last);
  EXPECT_EQ(list->count(), 3);  // a, c and the POSTed one
  EXPECT_LT(list->get("c").ts, last);

  // A read of the list gives its timestamp and writes nothing.
  Result read = buckets.apply(node_op(kGet, "bucket", "", "", kAlice));
  EXPECT_EQ(read.timestamp, last);
  EXPECT_FALSE(buckets.dirty());
}

TEST_F(ListWriterTest, AListReadBeforeAnyWriteGetsATimestampThatIsKept) {
  make_bucket(true);
  ListWriter records(ctx_, type("record"), "/buckets/b/collections/c");
  Result first = records.apply(node_op(kGet, "record", "/buckets/b/collections/c", "", kAlice));
  ASSERT_GT(first.timestamp, 0);
  EXPECT_TRUE(records.dirty());
  commit(records);
  EXPECT_EQ(committed("record", "/buckets/b/collections/c")->timestamp(), first.timestamp);
  Result again = records.apply(node_op(kGet, "record", "/buckets/b/collections/c", "", kAlice));
  EXPECT_EQ(again.timestamp, first.timestamp);
  EXPECT_FALSE(records.dirty());
  Result put = records.apply(node_op(kPut, "record", "/buckets/b/collections/c", kRecord1, kAlice));
  EXPECT_EQ(put.status, 201);
  EXPECT_GT(put.timestamp, first.timestamp);
}

TEST_F(ListWriterTest, AWriteUnderAMissingCollectionIs404AndChangesNothing) {
  make_bucket(false);
  ListWriter records(ctx_, type("record"), "/buckets/b/collections/c");
  const std::string parent = "/buckets/b/collections/c";
  Result put = records.apply(with_data(node_op(kPut, "record", parent, kRecord1, kAlice), "{}"));
  EXPECT_EQ(put.status, 404);
  EXPECT_EQ(put.errno_, kMissingResource);
  Json details = parse_json(put.body)["details"];
  EXPECT_EQ(details["id"], "c");
  EXPECT_EQ(details["resource_name"], "collection");
  Result post = records.apply(with_data(node_op(kPost, "record", parent, "", kAlice), "{}"));
  EXPECT_EQ(post.status, 404);
  EXPECT_EQ(post.errno_, kMissingResource);
  EXPECT_FALSE(records.dirty());
  EXPECT_TRUE(records.seal().empty());
  records.committed();

  // Once the collection exists, the same write is made.
  ListWriter collections(ctx_, type("collection"), "/buckets/b");
  ASSERT_EQ(write(collections, node_op(kPut, "collection", "/buckets/b", "c", kAlice)).status, 201);
  EXPECT_EQ(write(records, with_data(node_op(kPut, "record", parent, kRecord1, kAlice), "{}")).status,
            201);
  EXPECT_EQ(committed("record", parent)->count(), 1);
}

TEST_F(ListWriterTest, AStaleIfMatchIs412AndChangesNothing) {
  ListWriter buckets(ctx_, type("bucket"), "");
  Result created =
      write(buckets, with_data(node_op(kPut, "bucket", "", "b", kAlice), R"({"v":1})"));
  ASSERT_EQ(created.status, 201);

  for (Verb verb : {kPut, kPatch, kDelete}) {
    Op op = with_data(node_op(verb, "bucket", "", "b", kAlice), R"({"v":2})");
    op.if_match = at(created.timestamp - 1);
    Result r = buckets.apply(op);
    EXPECT_EQ(r.status, 412) << verb_name(verb);
    EXPECT_EQ(r.errno_, kModifiedMeanwhile);
    EXPECT_EQ(r.timestamp, created.timestamp);
    // The caller may read the object: the answer shows it.
    EXPECT_EQ(parse_json(r.body)["details"]["existing"]["v"], 1) << r.body;
    EXPECT_FALSE(buckets.dirty());
  }
  StoredObject b = stored("bucket", "", "b");
  EXPECT_EQ(b.ts, created.timestamp);
  EXPECT_EQ(parse_json(b.text)["v"], 1);

  // The current timestamp passes.
  Op op = with_data(node_op(kPut, "bucket", "", "b", kAlice), R"({"v":2})");
  op.if_match = at(created.timestamp);
  Result r = write(buckets, op);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(parse_json(stored("bucket", "", "b").text)["v"], 2);
}

TEST_F(ListWriterTest, IfMatchOnAMissingObjectIs412) {
  ListWriter buckets(ctx_, type("bucket"), "");
  Op op = node_op(kPut, "bucket", "", "b", kAlice);
  op.if_match = at(12345);
  Result r = buckets.apply(op);
  EXPECT_EQ(r.status, 412);
  EXPECT_FALSE(parse_json(r.body).contains("details"));
  EXPECT_FALSE(buckets.dirty());
}

TEST_F(ListWriterTest, IfNoneMatchStarOnAnExistingObjectIs412OnlyForAReader) {
  ListWriter buckets(ctx_, type("bucket"), "");
  Result created =
      write(buckets, with_data(node_op(kPut, "bucket", "", "b", kAlice), R"({"secret":"s"})"));
  ASSERT_EQ(created.status, 201);

  Op mine = node_op(kPut, "bucket", "", "b", kAlice);
  mine.if_none_match.kind = Precondition::kAny;
  Result r = buckets.apply(mine);
  EXPECT_EQ(r.status, 412);
  EXPECT_EQ(r.errno_, kModifiedMeanwhile);
  EXPECT_EQ(parse_json(r.body)["details"]["existing"]["secret"], "s");

  // Carol may read it, not write it: creating is what she asks, and she may
  // see what stands in the way.
  Op grant = node_op(kPatch, "bucket", "", "b", kAlice);
  grant.has_permissions = true;
  grant.permissions = R"({"read":["basicauth:carol"]})";
  ASSERT_EQ(write(buckets, grant).status, 200);
  Op hers = node_op(kPut, "bucket", "", "b", kCarol);
  hers.if_none_match.kind = Precondition::kAny;
  Result shown = buckets.apply(hers);
  EXPECT_EQ(shown.status, 412);
  EXPECT_EQ(parse_json(shown.body)["details"]["existing"]["secret"], "s");

  // Bob may create buckets (bucket_create: system.Authenticated) but not
  // read this one: he learns nothing of it.
  Op his = node_op(kPut, "bucket", "", "b", kBob);
  his.if_none_match.kind = Precondition::kAny;
  Result refused = buckets.apply(his);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.errno_, kForbidden);
  EXPECT_EQ(refused.body.find("secret"), std::string::npos);
  EXPECT_EQ(refused.timestamp, -1);
  EXPECT_FALSE(buckets.dirty());

  // On a missing object it creates.
  his.id = "b2";
  EXPECT_EQ(buckets.apply(his).status, 201);
}

TEST_F(ListWriterTest, ACallerWithoutPermissionIsRefused) {
  ListWriter buckets(ctx_, type("bucket"), "");
  ASSERT_EQ(write(buckets, node_op(kPut, "bucket", "", "b", kAlice)).status, 201);
  StoredObject before = stored("bucket", "", "b");
  std::vector<Op> ops = {
      with_data(node_op(kPut, "bucket", "", "b", kBob), R"({"x":1})"),
      with_data(node_op(kPatch, "bucket", "", "b", kBob), R"({"x":1})"),
      node_op(kDelete, "bucket", "", "b", kBob),
  };
  for (const Op& op : ops) {
    Result r = buckets.apply(op);
    EXPECT_EQ(r.status, 403) << verb_name(op.verb);
    EXPECT_EQ(r.errno_, kForbidden);
    Result anon = buckets.apply(anonymous(op));
    EXPECT_EQ(anon.status, 401) << verb_name(op.verb);
    EXPECT_EQ(anon.errno_, kMissingAuthToken);
  }
  // Creating a bucket needs authentication (bucket_create).
  EXPECT_EQ(buckets.apply(anonymous(node_op(kPut, "bucket", "", "new", kAlice))).status, 401);
  EXPECT_EQ(buckets.apply(anonymous(node_op(kPost, "bucket", "", "", kAlice))).status, 401);
  EXPECT_FALSE(buckets.dirty());
  StoredObject after = stored("bucket", "", "b");
  EXPECT_EQ(after.text, before.text);
  EXPECT_EQ(after.acl, before.acl);
}

TEST_F(ListWriterTest, PermissionsComeFromThePrincipalsNotTheUserId) {
  ListWriter buckets(ctx_, type("bucket"), "");
  ASSERT_EQ(write(buckets, node_op(kPut, "bucket", "", "b", kAlice)).status, 201);
  Op op = with_data(node_op(kPatch, "bucket", "", "b", kAlice), R"({"x":1})");
  op.principals = {"system.Everyone", "system.Authenticated"};
  EXPECT_EQ(buckets.apply(op).status, 403);
  EXPECT_FALSE(buckets.dirty());
}

TEST_F(ListWriterTest, PatchOfAMissingObjectIs404ForAReaderOfTheList) {
  make_bucket(false);
  ListWriter buckets(ctx_, type("bucket"), "");
  Op grant = node_op(kPatch, "bucket", "", "b", kAlice);
  grant.has_permissions = true;
  grant.permissions = R"({"read":["basicauth:carol"]})";
  ASSERT_EQ(write(buckets, grant).status, 200);

  ListWriter collections(ctx_, type("collection"), "/buckets/b");
  for (const char* user : {kAlice, kCarol}) {
    Result r = collections.apply(
        with_data(node_op(kPatch, "collection", "/buckets/b", "nope", user), R"({"x":1})"));
    EXPECT_EQ(r.status, 404) << user;
    EXPECT_EQ(r.errno_, kInvalidResourceId);
    EXPECT_EQ(parse_json(r.body)["details"]["id"], "nope");
  }
  // Bob may not read the list: whether it exists is none of his business.
  Result r = collections.apply(
      with_data(node_op(kPatch, "collection", "/buckets/b", "nope", kBob), R"({"x":1})"));
  EXPECT_EQ(r.status, 403);
  EXPECT_FALSE(collections.dirty());
}

TEST_F(ListWriterTest, DeleteLeavesATombstoneAndCountsDown) {
  make_bucket(false);
  ListWriter collections(ctx_, type("collection"), "/buckets/b");
  ASSERT_EQ(write(collections, node_op(kPut, "collection", "/buckets/b", "c1", kAlice)).status, 201);
  ASSERT_EQ(write(collections, node_op(kPut, "collection", "/buckets/b", "c2", kAlice)).status, 201);
  EXPECT_EQ(committed("collection", "/buckets/b")->count(), 2);

  Result r = write(collections, node_op(kDelete, "collection", "/buckets/b", "c1", kAlice));
  EXPECT_EQ(r.status, 200);
  Json data = parse_json(r.body)["data"];
  EXPECT_EQ(data["id"], "c1");
  EXPECT_EQ(data["deleted"], true);
  EXPECT_EQ(data["last_modified"], r.timestamp);
  {
    auto list = committed("collection", "/buckets/b");
    EXPECT_EQ(list->count(), 1);
    EXPECT_FALSE(list->get("c1").exists);
    EXPECT_EQ(list->tombstone("c1").value_or(-1), r.timestamp);
    EXPECT_FALSE(list->tombstone("c2").has_value());
    EXPECT_EQ(list->timestamp(), r.timestamp);
  }

  // Gone: a second delete finds nothing; a PUT creates it again.
  Result again = collections.apply(node_op(kDelete, "collection", "/buckets/b", "c1", kAlice));
  EXPECT_EQ(again.status, 404);
  EXPECT_EQ(again.errno_, kInvalidResourceId);
  EXPECT_FALSE(collections.dirty());
  Result recreated = write(collections, node_op(kPut, "collection", "/buckets/b", "c1", kAlice));
  EXPECT_EQ(recreated.status, 201);
  auto list = committed("collection", "/buckets/b");
  EXPECT_EQ(list->count(), 2);
  EXPECT_FALSE(list->tombstone("c1").has_value());
}

TEST_F(ListWriterTest, DeletingAnObjectRemovesTheListsBelowIt) {
  make_bucket(true);
  const std::string parent = "/buckets/b/collections/c";
  ListWriter records(ctx_, type("record"), parent);
  ASSERT_EQ(write(records, node_op(kPut, "record", parent, kRecord1, kAlice)).status, 201);
  ASSERT_EQ(committed("record", parent)->count(), 1);

  ListWriter collections(ctx_, type("collection"), "/buckets/b");
  ASSERT_EQ(write(collections, node_op(kDelete, "collection", "/buckets/b", "c", kAlice)).status,
            200);
  auto list = committed("record", parent);
  EXPECT_FALSE(list->get(kRecord1).exists);
  EXPECT_EQ(list->count(), 0);
}

TEST_F(ListWriterTest, ARefusalKeepsTheEarlierWritesOfTheBatch) {
  ListWriter buckets(ctx_, type("bucket"), "");
  ASSERT_EQ(buckets.apply(with_data(node_op(kPut, "bucket", "", "a", kAlice), R"({"v":1})")).status,
            201);
  ASSERT_EQ(buckets.apply(node_op(kPut, "bucket", "", "b", kAlice)).status, 201);
  // Refused: by permission, by precondition, by the data check.
  EXPECT_EQ(buckets.apply(with_data(node_op(kPut, "bucket", "", "a", kBob), R"({"v":9})")).status,
            403);
  Op stale = with_data(node_op(kPut, "bucket", "", "a", kAlice), R"({"v":9})");
  stale.if_match = at(1);
  EXPECT_EQ(buckets.apply(stale).status, 412);
  EXPECT_EQ(buckets.apply(with_data(node_op(kPut, "bucket", "", "c", kAlice), "{}")).status, 201);
  commit(buckets);

  auto list = committed("bucket", "");
  EXPECT_EQ(list->count(), 3);
  EXPECT_EQ(parse_json(list->get("a").text)["v"], 1);
  EXPECT_TRUE(list->get("b").exists);
  EXPECT_TRUE(list->get("c").exists);
}

TEST_F(ListWriterTest, ARefusedDataCheckChangesNothing) {
  make_bucket(false);
  ListWriter collections(ctx_, type("collection"), "/buckets/b");
  Result r = collections.apply(with_data(
      node_op(kPut, "collection", "/buckets/b", "c", kAlice), R"({"cache_expires":"soon"})"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.errno_, kInvalidParameters);
  EXPECT_FALSE(collections.dirty());
  EXPECT_EQ(committed("collection", "/buckets/b")->count(), 0);
}

TEST_F(ListWriterTest, LaterOpsOfABatchSeeItsUncommittedWrites) {
  ListWriter buckets(ctx_, type("bucket"), "");
  Result created =
      buckets.apply(with_data(node_op(kPut, "bucket", "", "b", kAlice), R"({"v":1})"));
  ASSERT_EQ(created.status, 201);
  // The same id again: now a replace, and POST answers the existing object.
  Result patched = buckets.apply(with_data(node_op(kPatch, "bucket", "", "b", kAlice), R"({"w":2})"));
  EXPECT_EQ(patched.status, 200);
  EXPECT_GT(patched.timestamp, created.timestamp);
  Json data = parse_json(patched.body)["data"];
  EXPECT_EQ(data["v"], 1);
  EXPECT_EQ(data["w"], 2);
  Op post = node_op(kPost, "bucket", "", "b", kAlice);  // POST with data.id "b"
  post.plural = true;
  Result posted = buckets.apply(post);
  EXPECT_EQ(posted.status, 200);
  EXPECT_EQ(posted.timestamp, patched.timestamp);
  Op create_only = node_op(kPut, "bucket", "", "b", kAlice);
  create_only.if_none_match.kind = Precondition::kAny;
  EXPECT_EQ(buckets.apply(create_only).status, 412);
  // Bob does not inherit anything from alice's uncommitted ACL.
  EXPECT_EQ(buckets.apply(with_data(node_op(kPatch, "bucket", "", "b", kBob), "{}")).status, 403);

  // A sealed commit not yet durable is seen too.
  Commit first = buckets.seal();
  Result replaced = buckets.apply(with_data(node_op(kPut, "bucket", "", "b", kAlice), R"({"v":3})"));
  EXPECT_EQ(replaced.status, 200);
  EXPECT_GT(replaced.timestamp, patched.timestamp);
  EXPECT_FALSE(stored("bucket", "", "b").exists);
  engine_->write(encode(first), true);
  buckets.committed();
  EXPECT_EQ(stored("bucket", "", "b").ts, patched.timestamp);
  commit(buckets);
  StoredObject b = stored("bucket", "", "b");
  EXPECT_EQ(b.ts, replaced.timestamp);
  EXPECT_EQ(parse_json(b.text)["v"], 3);
  EXPECT_FALSE(parse_json(b.text).contains("w"));
  EXPECT_EQ(committed("bucket", "")->timestamp(), replaced.timestamp);
}

TEST_F(ListWriterTest, AbandonForgetsTheWritesNotCommitted) {
  ListWriter buckets(ctx_, type("bucket"), "");
  Result a = write(buckets, with_data(node_op(kPut, "bucket", "", "a", kAlice), R"({"v":1})"));
  ASSERT_EQ(a.status, 201);

  ASSERT_EQ(buckets.apply(node_op(kPut, "bucket", "", "b", kAlice)).status, 201);
  ASSERT_EQ(buckets.apply(with_data(node_op(kPatch, "bucket", "", "a", kAlice), R"({"v":2})")).status,
            200);
  Commit sealed = buckets.seal();  // the commit that fails
  EXPECT_FALSE(sealed.empty());
  ASSERT_EQ(buckets.apply(node_op(kDelete, "bucket", "", "a", kAlice)).status, 200);
  buckets.abandon();
  EXPECT_FALSE(buckets.dirty());

  // The writer is back at the committed state.
  Result b = buckets.apply(node_op(kPut, "bucket", "", "b", kAlice));
  EXPECT_EQ(b.status, 201);  // b is new again
  EXPECT_GT(b.timestamp, a.timestamp);
  Result read = buckets.apply(with_data(node_op(kPatch, "bucket", "", "a", kAlice), "{}"));
  EXPECT_EQ(read.status, 200);  // a was not deleted
  EXPECT_EQ(parse_json(read.body)["data"]["v"], 1);
  commit(buckets);
  auto list = committed("bucket", "");
  EXPECT_EQ(list->count(), 2);
  EXPECT_EQ(parse_json(list->get("a").text)["v"], 1);
}

}  // namespace
}  // namespace ratchet
