// The permission decision over ACLs held in a map: what an ACE on an object
// allows on it and below it (inheritance down Kinto's tree, <child>:create),
// what settings grants allow, and that other principals get nothing.
#include "core/permissions.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "ratchet/registry.h"
#include "ratchet/settings.h"

namespace ratchet {
namespace {

const char kBucket[] = "/buckets/b";
const char kCollection[] = "/buckets/b/collections/c";
const char kOtherCollection[] = "/buckets/b/collections/c2";

// ACLs by (type, parent, id); records every lookup.
class MapAcls : public AclSource {
 public:
  void set(const std::string& type, const std::string& parent, const std::string& id,
           const std::string& acl) {
    acls_[{type, parent, id}] = acl;
  }
  bool acl(const ResourceType& type, std::string_view parent, std::string_view id,
           std::string* text) override {
    auto it = acls_.find({type.name, std::string(parent), std::string(id)});
    if (it == acls_.end()) return false;
    *text = it->second;
    return true;
  }

 private:
  std::map<std::tuple<std::string, std::string, std::string>, std::string> acls_;
};

std::vector<std::string> as(const std::string& user) {
  return {"system.Everyone", "system.Authenticated", user};
}

class PermissionsTest : public ::testing::Test {
 protected:
  PermissionsTest() { add_kinto_resources(registry_); }

  const ResourceType& type(const char* name) { return *registry_.find(name); }

  // Every answer about `user` on bucket b, collection c and its record r.
  struct Answers {
    bool read_bucket, write_bucket, read_collection, write_collection, create_collection,
        read_record, write_record, create_record, read_all_records, write_all_records,
        read_all_collections, create_group;
  };
  Answers answers(const std::vector<std::string>& principals) {
    const Permissions& p = permissions_;
    return {
        p.can_read(acls_, principals, type("bucket"), "", "b"),
        p.can_write(acls_, principals, type("bucket"), "", "b"),
        p.can_read(acls_, principals, type("collection"), kBucket, "c"),
        p.can_write(acls_, principals, type("collection"), kBucket, "c"),
        p.can_create(acls_, principals, type("collection"), kBucket),
        p.can_read(acls_, principals, type("record"), kCollection, "r"),
        p.can_write(acls_, principals, type("record"), kCollection, "r"),
        p.can_create(acls_, principals, type("record"), kCollection),
        p.can_read_all(acls_, principals, type("record"), kCollection),
        p.can_write_all(acls_, principals, type("record"), kCollection),
        p.can_read_all(acls_, principals, type("collection"), kBucket),
        p.can_create(acls_, principals, type("group"), kBucket),
    };
  }
  // True when no question about `principals` is answered yes.
  bool nothing(const std::vector<std::string>& principals) {
    Answers a = answers(principals);
    return !(a.read_bucket || a.write_bucket || a.read_collection || a.write_collection ||
             a.create_collection || a.read_record || a.write_record || a.create_record ||
             a.read_all_records || a.write_all_records || a.read_all_collections ||
             a.create_group);
  }

  Registry registry_;
  Settings settings_;
  Permissions permissions_{registry_, settings_};
  MapAcls acls_;
};

TEST_F(PermissionsTest, WriteOnABucketAllowsEverythingBelowIt) {
  acls_.set("bucket", "", "b", R"({"write":["basicauth:alice"]})");
  Answers a = answers(as("basicauth:alice"));
  EXPECT_TRUE(a.read_bucket);
  EXPECT_TRUE(a.write_bucket);
  EXPECT_TRUE(a.read_collection);  // with no ACL of its own
  EXPECT_TRUE(a.write_collection);
  EXPECT_TRUE(a.create_collection);
  EXPECT_TRUE(a.create_group);
  EXPECT_TRUE(a.read_record);
  EXPECT_TRUE(a.write_record);
  EXPECT_TRUE(a.create_record);
  EXPECT_TRUE(a.read_all_records);
  EXPECT_TRUE(a.write_all_records);
  EXPECT_TRUE(a.read_all_collections);
  EXPECT_TRUE(nothing(as("basicauth:bob")));
}

TEST_F(PermissionsTest, ReadOnABucketAllowsReadingBelowItOnly) {
  acls_.set("bucket", "", "b", R"({"read":["basicauth:alice"]})");
  Answers a = answers(as("basicauth:alice"));
  EXPECT_TRUE(a.read_bucket);
  EXPECT_TRUE(a.read_collection);
  EXPECT_TRUE(a.read_record);
  EXPECT_TRUE(a.read_all_records);
  EXPECT_TRUE(a.read_all_collections);
  EXPECT_FALSE(a.write_bucket);
  EXPECT_FALSE(a.write_collection);
  EXPECT_FALSE(a.create_collection);
  EXPECT_FALSE(a.write_record);
  EXPECT_FALSE(a.create_record);
  EXPECT_FALSE(a.write_all_records);
  EXPECT_FALSE(a.create_group);
}

TEST_F(PermissionsTest, ReadOnACollectionAllowsReadingItsRecords) {
  acls_.set("collection", kBucket, "c", R"({"read":["basicauth:alice"]})");
  Answers a = answers(as("basicauth:alice"));
  EXPECT_TRUE(a.read_collection);
  EXPECT_TRUE(a.read_record);
  EXPECT_TRUE(a.read_all_records);
  EXPECT_FALSE(a.write_collection);
  EXPECT_FALSE(a.write_record);
  EXPECT_FALSE(a.create_record);
  EXPECT_FALSE(a.write_all_records);
  // Nothing upwards or sideways.
  EXPECT_FALSE(a.read_bucket);
  EXPECT_FALSE(a.read_all_collections);
  EXPECT_FALSE(permissions_.can_read(acls_, as("basicauth:alice"), type("record"),
                                     kOtherCollection, "r"));
  EXPECT_FALSE(permissions_.can_read_all(acls_, as("basicauth:alice"), type("record"),
                                         kOtherCollection));
  EXPECT_FALSE(permissions_.can_read(acls_, as("basicauth:alice"), type("collection"), kBucket,
                                     "c2"));
}

TEST_F(PermissionsTest, WriteOnACollectionAllowsWritingItsRecords) {
  acls_.set("collection", kBucket, "c", R"({"write":["basicauth:alice"]})");
  Answers a = answers(as("basicauth:alice"));
  EXPECT_TRUE(a.write_collection);
  EXPECT_TRUE(a.write_record);
  EXPECT_TRUE(a.create_record);
  EXPECT_TRUE(a.write_all_records);
  EXPECT_TRUE(a.read_all_records);
  EXPECT_FALSE(a.write_bucket);
  EXPECT_FALSE(a.create_collection);
  EXPECT_FALSE(a.read_all_collections);
}

TEST_F(PermissionsTest, RecordCreateOnACollectionAllowsCreatingRecordsOnly) {
  acls_.set("collection", kBucket, "c", R"({"record:create":["basicauth:alice"]})");
  Answers a = answers(as("basicauth:alice"));
  EXPECT_TRUE(a.create_record);
  // Any permission on an object lets one read it, not what is below.
  EXPECT_TRUE(a.read_collection);
  EXPECT_FALSE(a.write_collection);
  EXPECT_FALSE(a.read_record);
  EXPECT_FALSE(a.write_record);
  EXPECT_FALSE(a.read_all_records);
  EXPECT_FALSE(a.write_all_records);
  EXPECT_FALSE(permissions_.can_create(acls_, as("basicauth:alice"), type("record"),
                                       kOtherCollection));
}

TEST_F(PermissionsTest, ACreatePermissionIsNotInherited) {
  acls_.set("bucket", "", "b", R"({"collection:create":["basicauth:alice"]})");
  Answers a = answers(as("basicauth:alice"));
  EXPECT_TRUE(a.create_collection);
  EXPECT_TRUE(a.read_bucket);
  EXPECT_FALSE(a.create_group);  // another child type
  EXPECT_FALSE(a.create_record);  // a grandchild
  EXPECT_FALSE(a.read_collection);
  EXPECT_FALSE(a.read_all_collections);
  EXPECT_FALSE(a.write_bucket);
}

TEST_F(PermissionsTest, AnAceOnARecordIsForThatRecord) {
  acls_.set("record", kCollection, "r", R"({"read":["basicauth:alice"]})");
  acls_.set("record", kCollection, "w", R"({"write":["basicauth:alice"]})");
  const auto alice = as("basicauth:alice");
  const ResourceType& record = type("record");
  EXPECT_TRUE(permissions_.can_read(acls_, alice, record, kCollection, "r"));
  EXPECT_FALSE(permissions_.can_write(acls_, alice, record, kCollection, "r"));
  EXPECT_TRUE(permissions_.can_read(acls_, alice, record, kCollection, "w"));
  EXPECT_TRUE(permissions_.can_write(acls_, alice, record, kCollection, "w"));
  EXPECT_FALSE(permissions_.can_read(acls_, alice, record, kCollection, "other"));
  EXPECT_FALSE(permissions_.can_read_all(acls_, alice, record, kCollection));
  EXPECT_FALSE(permissions_.can_write_all(acls_, alice, record, kCollection));
  EXPECT_FALSE(permissions_.can_create(acls_, alice, record, kCollection));
  EXPECT_FALSE(permissions_.can_read(acls_, alice, type("collection"), kBucket, "c"));
}

TEST_F(PermissionsTest, OtherPrincipalsGetNothing) {
  acls_.set("bucket", "", "b", R"({"read":["basicauth:r"],"write":["basicauth:w"]})");
  acls_.set("collection", kBucket, "c",
            R"({"read":["basicauth:r2"],"write":["basicauth:w2"],"record:create":["basicauth:c"]})");
  acls_.set("record", kCollection, "r", R"({"read":["basicauth:r3"],"write":["basicauth:w3"]})");
  settings_.principals.erase("bucket_create");
  EXPECT_TRUE(nothing(as("basicauth:carol")));
  EXPECT_TRUE(nothing({"system.Everyone"}));
  EXPECT_TRUE(nothing({}));
  // Names are matched whole: a prefix or another case is someone else.
  EXPECT_TRUE(nothing(as("basicauth:w2x")));
  EXPECT_TRUE(nothing(as("basicauth:W")));
  EXPECT_TRUE(nothing(as("basicauth")));
  // The same ACEs on a bucket with a longer id grant nothing on this one.
  MapAcls elsewhere;
  elsewhere.set("bucket", "", "bb", R"({"write":["basicauth:alice"]})");
  elsewhere.set("collection", "/buckets/bb", "c", R"({"write":["basicauth:alice"]})");
  EXPECT_FALSE(permissions_.can_write(elsewhere, as("basicauth:alice"), type("record"),
                                      kCollection, "r"));
  EXPECT_FALSE(permissions_.can_read_all(elsewhere, as("basicauth:alice"), type("collection"),
                                         kBucket));
}

TEST_F(PermissionsTest, AnAceForEveryoneOrTheAuthenticatedCounts) {
  acls_.set("collection", kBucket, "c", R"({"read":["system.Everyone"]})");
  acls_.set("bucket", "", "b", R"({"write":["system.Authenticated"]})");
  Answers anonymous = answers({"system.Everyone"});
  EXPECT_TRUE(anonymous.read_record);
  EXPECT_TRUE(anonymous.read_all_records);
  EXPECT_FALSE(anonymous.write_record);
  EXPECT_FALSE(anonymous.read_bucket);
  Answers someone = answers(as("basicauth:anyone"));
  EXPECT_TRUE(someone.write_record);
  EXPECT_TRUE(someone.write_bucket);
}

TEST_F(PermissionsTest, BucketCreationIsGrantedToTheAuthenticatedByDefault) {
  const ResourceType& bucket = type("bucket");
  EXPECT_TRUE(permissions_.can_create(acls_, as("basicauth:anyone"), bucket, ""));
  EXPECT_FALSE(permissions_.can_create(acls_, {"system.Everyone"}, bucket, ""));
  // Creating is not reading or writing an existing bucket.
  EXPECT_FALSE(permissions_.can_read(acls_, as("basicauth:anyone"), bucket, "", "b"));
  EXPECT_FALSE(permissions_.can_write(acls_, as("basicauth:anyone"), bucket, "", "b"));
  EXPECT_FALSE(permissions_.can_read_all(acls_, as("basicauth:anyone"), bucket, ""));
  settings_.principals.erase("bucket_create");
  EXPECT_FALSE(permissions_.can_create(acls_, as("basicauth:anyone"), bucket, ""));
}

TEST_F(PermissionsTest, SettingsGrantsCoverEveryObjectOfTheirType) {
  settings_.principals["record_read"] = {"basicauth:reader"};
  settings_.principals["collection_write"] = {"basicauth:writer"};
  settings_.principals["group_create"] = {"basicauth:creator"};
  Answers reader = answers(as("basicauth:reader"));
  EXPECT_TRUE(reader.read_record);
  EXPECT_TRUE(reader.read_all_records);
  EXPECT_FALSE(reader.write_record);
  EXPECT_FALSE(reader.create_record);
  EXPECT_FALSE(reader.read_collection);
  EXPECT_TRUE(permissions_.can_read(acls_, as("basicauth:reader"), type("record"),
                                    "/buckets/x/collections/y", "z"));

  Answers writer = answers(as("basicauth:writer"));
  EXPECT_TRUE(writer.write_collection);
  EXPECT_TRUE(writer.read_collection);  // write implies read
  EXPECT_TRUE(writer.create_collection);
  EXPECT_TRUE(writer.read_all_collections);
  // A grant is for its type: not inherited by the records.
  EXPECT_FALSE(writer.write_record);
  EXPECT_FALSE(writer.read_record);
  EXPECT_FALSE(writer.write_bucket);

  Answers creator = answers(as("basicauth:creator"));
  EXPECT_TRUE(creator.create_group);
  EXPECT_FALSE(creator.create_collection);
  EXPECT_FALSE(creator.read_bucket);
  EXPECT_FALSE(permissions_.can_read(acls_, as("basicauth:creator"), type("group"), kBucket, "g"));
}

TEST_F(PermissionsTest, GrantedBySettingMatchesOneOfThePrincipals) {
  settings_.principals["record_write"] = {"basicauth:a", "system.Authenticated"};
  EXPECT_TRUE(granted_by_setting(settings_, {"basicauth:a"}, "record", "write"));
  EXPECT_TRUE(granted_by_setting(settings_, {"x", "system.Authenticated"}, "record", "write"));
  EXPECT_FALSE(granted_by_setting(settings_, {"basicauth:b"}, "record", "write"));
  EXPECT_FALSE(granted_by_setting(settings_, {"basicauth:a"}, "record", "read"));
  EXPECT_FALSE(granted_by_setting(settings_, {"basicauth:a"}, "collection", "write"));
  EXPECT_FALSE(granted_by_setting(settings_, {}, "record", "write"));
}

TEST(PermissionsPerUserTest, APerUserTypeBelongsToEveryAuthenticatedUser) {
  Registry registry;
  const ResourceType& notes =
      registry.add({.name = "note", .plural = "notes", .per_user = true});
  Settings settings;
  Permissions permissions(registry, settings);
  MapAcls acls;  // none: per-user objects carry no ACL
  const std::vector<std::string> alice = as("basicauth:alice");
  EXPECT_TRUE(permissions.can_read(acls, alice, notes, "basicauth:alice", "n"));
  EXPECT_TRUE(permissions.can_write(acls, alice, notes, "basicauth:alice", "n"));
  EXPECT_TRUE(permissions.can_create(acls, alice, notes, "basicauth:alice"));
  EXPECT_TRUE(permissions.can_read_all(acls, alice, notes, "basicauth:alice"));
  EXPECT_TRUE(permissions.can_write_all(acls, alice, notes, "basicauth:alice"));
  const std::vector<std::string> anonymous{"system.Everyone"};
  EXPECT_FALSE(permissions.can_read(acls, anonymous, notes, "", "n"));
  EXPECT_FALSE(permissions.can_write(acls, anonymous, notes, "", "n"));
  EXPECT_FALSE(permissions.can_create(acls, anonymous, notes, ""));
  EXPECT_FALSE(permissions.can_read_all(acls, anonymous, notes, ""));
  EXPECT_FALSE(permissions.can_write_all(acls, anonymous, notes, ""));
}

}  // namespace
}  // namespace ratchet
