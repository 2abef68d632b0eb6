// apply_patch as PATCH uses it, on an object's data and ACL: the JSON merge,
// merge-patch and JSON Patch formats, the failures that leave both unchanged,
// the id rule, the copy budget and depth bound; check_json_patch's shape checks.
#include "core/patch.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "ratchet/json.h"
#include "ratchet/op.h"

namespace ratchet {
namespace {

const std::vector<std::string> kRecordPermissions{"read", "write"};
const std::vector<std::string> kCollectionPermissions{"read", "write", "record:create"};

Json stored_data() {
  return Json::parse(
      R"({"id":"r","last_modified":10,"title":"t","n":1,"tags":["a"],"nested":{"a":1,"b":2}})");
}
Json stored_acl() { return Json::parse(R"({"read":["basicauth:r"],"write":["basicauth:w"]})"); }

Op patch_op(PatchFormat format, std::string body, std::optional<std::string> permissions = {}) {
  Op op;
  op.verb = kPatch;
  op.resource = "record";
  op.id = "r";
  op.patch_format = format;
  op.has_data = true;
  op.data = std::move(body);
  if (permissions) {
    op.has_permissions = true;
    op.permissions = *permissions;
  }
  return op;
}

struct Patched {
  std::optional<Error> error;
  Json data = stored_data();
  Json acl = stored_acl();
};

Patched patch(const Op& op, const std::vector<std::string>& valid = kRecordPermissions,
              Json data = stored_data()) {
  Patched out;
  out.data = std::move(data);
  out.error = apply_patch(op, valid, out.data, out.acl);
  return out;
}
Patched json_patch(const std::string& ops,
                   const std::vector<std::string>& valid = kRecordPermissions,
                   Json data = stored_data()) {
  return patch(patch_op(PatchFormat::kJsonPatch, ops), valid, std::move(data));
}

// A JSON Patch that fails: 400 errno 107 naming the cause; nothing changed
// when `unchanged` (PATCH discards both on a failure anyway).
void expect_failed(const Patched& p, const std::string& cause, const Json& data = stored_data(),
                   bool unchanged = true) {
  ASSERT_TRUE(p.error.has_value()) << "applied: " << p.data.dump();
  EXPECT_EQ(p.error->status, 400);
  EXPECT_EQ(p.error->errno_, kInvalidParameters);
  EXPECT_NE(p.error->body().find("JSON Patch operation failed"), std::string::npos)
      << p.error->body();
  EXPECT_NE(p.error->body().find(cause), std::string::npos) << p.error->body();
  if (!unchanged) return;
  EXPECT_EQ(p.data, data);
  EXPECT_EQ(p.acl, stored_acl());
}

TEST(PatchTest, JsonMergeSetsAndReplacesTopLevelFields) {
  Patched p = patch(patch_op(PatchFormat::kMerge,
                             R"({"title":"T","added":true,"nested":{"a":9},"n":null})"));
  ASSERT_FALSE(p.error) << p.error->body();
  EXPECT_EQ(p.data, Json::parse(R"({"id":"r","last_modified":10,"title":"T","added":true,
                                    "n":null,"tags":["a"],"nested":{"a":9}})"));
  EXPECT_EQ(p.acl, stored_acl());
}

TEST(PatchTest, JsonMergeReplacesTheNamedPermissionsOnly) {
  Patched p = patch(patch_op(PatchFormat::kMerge, "{}", R"({"read":["basicauth:x"]})"));
  ASSERT_FALSE(p.error) << p.error->body();
  EXPECT_EQ(p.acl, Json::parse(R"({"read":["basicauth:x"],"write":["basicauth:w"]})"));
  EXPECT_EQ(p.data, stored_data());
}

TEST(PatchTest, MergePatchRemovesNullsAndMergesObjects) {
  Patched p = patch(patch_op(PatchFormat::kMergePatch,
                             R"({"title":"T","n":null,"nested":{"b":null,"c":3},"new":{"x":1}})",
                             R"({"read":null,"write":["basicauth:y"]})"));
  ASSERT_FALSE(p.error) << p.error->body();
  EXPECT_EQ(p.data, Json::parse(R"({"id":"r","last_modified":10,"title":"T","tags":["a"],
                                    "nested":{"a":1,"c":3},"new":{"x":1}})"));
  EXPECT_EQ(p.acl, Json::parse(R"({"write":["basicauth:y"]})"));
}

TEST(PatchTest, WithoutABodyNothingChanges) {
  for (PatchFormat format : {PatchFormat::kMerge, PatchFormat::kMergePatch}) {
    Op op = patch_op(format, "");
    op.has_data = false;
    Patched p = patch(op);
    ASSERT_FALSE(p.error);
    EXPECT_EQ(p.data, stored_data());
    EXPECT_EQ(p.acl, stored_acl());
  }
}

TEST(PatchTest, JsonPatchOnData) {
  Patched p = json_patch(R"([
      {"op":"test","path":"/data/title","value":"t"},
      {"op":"add","path":"/data/added","value":{"k":[1]}},
      {"op":"replace","path":"/data/title","value":"T"},
      {"op":"remove","path":"/data/n"},
      {"op":"add","path":"/data/tags/-","value":"b"},
      {"op":"copy","from":"/data/nested","path":"/data/copied"},
      {"op":"move","from":"/data/nested/a","path":"/data/moved"},
      {"op":"test","path":"/data/copied/a","value":1}])");
  ASSERT_FALSE(p.error) << p.error->body();
  EXPECT_EQ(p.data, Json::parse(R"({"id":"r","last_modified":10,"title":"T","tags":["a","b"],
                                    "added":{"k":[1]},"nested":{"b":2},"copied":{"a":1,"b":2},
                                    "moved":1})"));
  EXPECT_EQ(p.acl, stored_acl());
}

TEST(PatchTest, JsonPatchOnPermissions) {
  Patched p = json_patch(R"([
      {"op":"test","path":"/permissions/read/basicauth:r"},
      {"op":"add","path":"/permissions/read/basicauth:x"},
      {"op":"remove","path":"/permissions/write/basicauth:w"},
      {"op":"add","path":"/permissions/write/system.Authenticated"}])");
  ASSERT_FALSE(p.error) << p.error->body();
  EXPECT_EQ(p.acl, Json::parse(
                       R"({"read":["basicauth:r","basicauth:x"],"write":["system.Authenticated"]})"));
  EXPECT_EQ(p.data, stored_data());

  // A whole list at once, and a permission of the type that was not set.
  Patched q = json_patch(R"([
      {"op":"replace","path":"/permissions/read","value":["basicauth:a","basicauth:b"]},
      {"op":"add","path":"/permissions/record:create/basicauth:c"}])",
                         kCollectionPermissions);
  ASSERT_FALSE(q.error) << q.error->body();
  EXPECT_EQ(q.acl["read"], Json::parse(R"(["basicauth:a","basicauth:b"])"));
  EXPECT_EQ(q.acl["record:create"], Json::parse(R"(["basicauth:c"])"));
  EXPECT_EQ(q.acl["write"], Json::parse(R"(["basicauth:w"])"));
}

TEST(PatchTest, AFailedTestChangesNothing) {
  expect_failed(json_patch(R"([{"op":"replace","path":"/data/title","value":"T"},
                               {"op":"test","path":"/data/n","value":2}])"),
                "unsuccessful");
  expect_failed(json_patch(R"([{"op":"add","path":"/permissions/read/basicauth:x"},
                               {"op":"test","path":"/permissions/write/basicauth:nobody"}])"),
                "unsuccessful");
}

TEST(PatchTest, ABadPathIsAnError) {
  expect_failed(json_patch(R"([{"op":"remove","path":"/data/missing"}])"), "missing");
  expect_failed(json_patch(R"([{"op":"replace","path":"/data/missing","value":1}])"), "missing");
  expect_failed(json_patch(R"([{"op":"add","path":"/data/missing/x","value":1}])"), "failed");
  expect_failed(json_patch(R"([{"op":"add","path":"/data/tags/5","value":1}])"), "failed");
  expect_failed(json_patch(R"([{"op":"copy","from":"/data/missing","path":"/data/x"}])"),
                "missing");
  expect_failed(json_patch(R"([{"op":"move","from":"/data/missing","path":"/data/x"}])"),
                "missing");
}

TEST(PatchTest, OnlyThePermissionsOfTheTypeMayBeNamed) {
  expect_failed(json_patch(R"([{"op":"add","path":"/permissions/delete/basicauth:x"}])"),
                "unknown permission 'delete'");
  expect_failed(json_patch(R"([{"op":"add","path":"/permissions/record:create/basicauth:x"}])"),
                "unknown permission 'record:create'");
  expect_failed(json_patch(R"([{"op":"add","path":"/permissions/delete","value":["x"]}])"),
                "unknown permission 'delete'");
}

TEST(PatchTest, DataAndPermissionsKeepTheirShape) {
  expect_failed(json_patch(R"([{"op":"replace","path":"/data","value":1}])"),
                "data must stay an object");
  expect_failed(json_patch(R"([{"op":"remove","path":"/data"}])"), "data must stay an object");
  // These are found once the operations are applied: the ACL given may have
  // been changed (apply_patch resets it before checking the result).
  expect_failed(json_patch(R"([{"op":"replace","path":"/permissions","value":[]}])"),
                "permissions must stay an object", stored_data(), false);
  expect_failed(json_patch(R"([{"op":"replace","path":"/permissions/read","value":"x"}])"),
                "must hold principals", stored_data(), false);
  expect_failed(json_patch(R"([{"op":"replace","path":"/permissions/read","value":[""]}])"),
                "is not a valid principal", stored_data(), false);
  expect_failed(json_patch(R"([{"op":"replace","path":"/permissions/read","value":[1]}])"),
                "is not a valid principal", stored_data(), false);
}

TEST(PatchTest, TheIdCannotChange) {
  std::vector<Op> ops = {
      patch_op(PatchFormat::kMerge, R"({"id":"other"})"),
      patch_op(PatchFormat::kMergePatch, R"({"id":null})"),
      patch_op(PatchFormat::kJsonPatch, R"([{"op":"replace","path":"/data/id","value":"x"}])"),
      patch_op(PatchFormat::kJsonPatch, R"([{"op":"remove","path":"/data/id"}])"),
  };
  for (const Op& op : ops) {
    Patched p = patch(op);
    ASSERT_TRUE(p.error) << op.data;
    EXPECT_EQ(p.error->status, 400);
    EXPECT_EQ(p.error->errno_, kInvalidParameters);
    Json details = Json::parse(p.error->details);
    ASSERT_EQ(details.size(), 1u);
    EXPECT_EQ(details[0]["name"], "id");
    EXPECT_EQ(details[0]["location"], "body");
  }
  // The same id is no change.
  EXPECT_FALSE(patch(patch_op(PatchFormat::kMerge, R"({"id":"r"})")).error);
  EXPECT_FALSE(
      json_patch(R"([{"op":"replace","path":"/data/id","value":"r"}])").error);
}

TEST(PatchTest, CopiesAndMovesShareABudget) {
  Json data = stored_data();
  const size_t third = kMaxPatchCopyBytes / 3 + 16;  // three copies are over
  data["big"] = std::string(third, 'x');
  Patched two = json_patch(R"([{"op":"copy","from":"/data/big","path":"/data/c1"},
                               {"op":"copy","from":"/data/big","path":"/data/c2"}])",
                           kRecordPermissions, data);
  ASSERT_FALSE(two.error) << two.error->body();
  EXPECT_EQ(two.data["c2"], data["big"]);
  expect_failed(json_patch(R"([{"op":"copy","from":"/data/big","path":"/data/c1"},
                               {"op":"copy","from":"/data/big","path":"/data/c2"},
                               {"op":"copy","from":"/data/big","path":"/data/c3"}])",
                           kRecordPermissions, data),
                std::to_string(kMaxPatchCopyBytes) + " bytes", data);
  // A move is charged as a copy (and so is moving the same value on).
  expect_failed(json_patch(R"([{"op":"move","from":"/data/big","path":"/data/m1"},
                               {"op":"move","from":"/data/m1","path":"/data/m2"},
                               {"op":"copy","from":"/data/m2","path":"/data/m3"}])",
                           kRecordPermissions, data),
                "duplicate more than", data);
  // Small values cost little: many copies pass.
  std::string many = "[";
  for (int i = 0; i < 200; ++i) {
    many += std::string(i ? "," : "") + R"({"op":"copy","from":"/data/nested","path":"/data/n)" +
            std::to_string(i) + "\"}";
  }
  EXPECT_FALSE(json_patch(many + "]").error);
}

TEST(PatchTest, AValueMayNotLandTooDeep) {
  // data.x: 300 nested arrays.
  Json deep = Json::array();
  for (int i = 1; i < 300; ++i) deep = Json::array({std::move(deep)});
  ASSERT_EQ(json_depth(deep), 300u);
  Json data = stored_data();
  data["x"] = deep;
  std::string inside = "/data/x";
  for (int i = 0; i < 250; ++i) inside += "/0";
  // Copied within itself, it would nest 553 deep.
  expect_failed(json_patch(R"([{"op":"copy","from":"/data/x","path":")" + inside + R"(/-"}])",
                           kRecordPermissions, data),
                "nest deeper", data);
  // Beside itself it fits.
  Patched beside =
      json_patch(R"([{"op":"copy","from":"/data/x","path":"/data/y"}])", kRecordPermissions, data);
  ASSERT_FALSE(beside.error) << beside.error->body();
  EXPECT_EQ(json_depth(beside.data["y"]), 300u);
}

TEST(PatchTest, CheckJsonPatchNamesEachProblem) {
  auto problems = [](const char* text) {
    std::vector<ErrorDetail> out;
    check_json_patch(Json::parse(text), out);
    return out;
  };
  auto names = [&](const char* text) {
    std::vector<std::string> out;
    for (const auto& p : problems(text)) out.push_back(p.name.value_or("<none>"));
    return out;
  };
  EXPECT_TRUE(problems(R"([{"op":"add","path":"/data/x","value":1},
                           {"op":"remove","path":"/data/y"},
                           {"op":"move","from":"/data/a","path":"/data/b"},
                           {"op":"copy","from":"/data/a","path":"/data/b"},
                           {"op":"test","path":"/permissions/read/x"}])")
                  .empty());
  EXPECT_EQ(names(R"({"op":"add"})"), std::vector<std::string>{"<none>"});
  EXPECT_EQ(names(R"([1])"), std::vector<std::string>{"body.0"});
  EXPECT_EQ(names(R"([{"op":"add","path":"/x"},{"op":"frobnicate","path":"/x"}])"),
            std::vector<std::string>{"body.1.op"});
  EXPECT_EQ(names(R"([{"path":"/x"}])"), std::vector<std::string>{"body.0.op"});
  EXPECT_EQ(names(R"([{"op":"add"}])"), std::vector<std::string>{"body.0.path"});
  EXPECT_EQ(names(R"([{"op":"copy","path":"/x"}])"), std::vector<std::string>{"body.0.from"});
  EXPECT_EQ(names(R"([{"op":"add","path":"x"}])"), std::vector<std::string>{"body.0.path"});
  EXPECT_EQ(names(R"([{"op":"move","from":1,"path":"/x"}])"),
            std::vector<std::string>{"body.0.from"});
  EXPECT_EQ(names(R"([{"op":"add","path":"/x","extra":1}])"), std::vector<std::string>{"body.0"});
  EXPECT_NE(problems(R"([{"op":"add","path":"/x","extra":1}])")[0].description.find("extra"),
            std::string::npos);
}

}  // namespace
}  // namespace ratchet
