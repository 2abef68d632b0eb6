// The permission matrix (PROTOCOL.md §7.3-§7.5, §16): for each way of
// sharing alice's objects with bob -- a grant on the bucket, a group, the
// collection or the record, through membership of a group, or to
// system.Authenticated -- every verb of bob, carol (a stranger, unless the
// grant reaches every authenticated user) and an anonymous client on every
// object type, with the exact status and errno, what lists show and count,
// and that a refused request changes nothing and shows no object data. A
// failed precondition (412, directly and through /v1/batch) shows the object
// only to those who may read it; others get the refusal.
//
// The fixture, made by alice: bucket b, group g (no members), collection c,
// record r; each carries a "secret" marker that must never show in an error.
// An observer, "root", reads every list through <type>_read_principals
// settings (which grant nothing to anybody else) to see the whole state.
//
// Cells whose expected answer leaves the state unchanged (reads, refusals,
// 404s, 412s) run on one fixture per scenario, whose state is compared
// before and after each one that could write; cells whose expected answer is
// a successful write each get a fresh server.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>

#include "tests/http_helpers.h"

namespace ratchet::testing {
namespace {

enum class Kind { kBucket, kGroup, kCollection, kRecord };
const Kind kKinds[] = {Kind::kBucket, Kind::kGroup, Kind::kCollection, Kind::kRecord};

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::kBucket: return "bucket";
    case Kind::kGroup: return "group";
    case Kind::kCollection: return "collection";
    case Kind::kRecord: return "record";
  }
  return "";
}

const std::string kBucketPath = "/v1/buckets/b";
const std::string kCollectionPath = kBucketPath + "/collections/c";
const std::string kGroupUri = "/buckets/b/groups/g";

std::string plural_path(Kind k) {
  switch (k) {
    case Kind::kBucket: return "/v1/buckets";
    case Kind::kGroup: return kBucketPath + "/groups";
    case Kind::kCollection: return kBucketPath + "/collections";
    case Kind::kRecord: return kCollectionPath + "/records";
  }
  return "";
}

// The fixture's object of that kind.
std::string fixture_id(Kind k) {
  switch (k) {
    case Kind::kBucket: return "b";
    case Kind::kGroup: return "g";
    case Kind::kCollection: return "c";
    case Kind::kRecord: return "r";
  }
  return "";
}

std::string object_path(Kind k, const std::string& id) { return plural_path(k) + "/" + id; }
std::string marker(Kind k) { return std::string("secret-") + kind_name(k) + "-7f3a"; }

// Which ACEs of the fixture name one of the actor's principals (directly or
// through a group). Inheritance is derived from these below.
struct Grants {
  bool b_read = false, b_write = false, b_collection_create = false, b_group_create = false;
  bool g_read = false, g_write = false;
  bool c_read = false, c_write = false, c_record_create = false;
  bool r_read = false, r_write = false;
};

struct Actor {
  std::string name;  // "" for anonymous
  Grants g;
  bool authenticated() const { return !name.empty(); }
  std::string label() const { return authenticated() ? name : "anonymous"; }
};

// §7.3, reading one object ("read:attributes" for buckets and collections).
bool read_attributes(Kind k, const Grants& g) {
  switch (k) {
    case Kind::kBucket: return g.b_write || g.b_read || g.b_collection_create || g.b_group_create;
    case Kind::kGroup: return g.b_write || g.b_read || g.g_write || g.g_read;
    case Kind::kCollection:
      return g.b_write || g.b_read || g.c_write || g.c_read || g.c_record_create;
    case Kind::kRecord: return g.b_write || g.b_read || g.c_write || g.c_read || g.r_write || g.r_read;
  }
  return false;
}

// §7.3, read on every object of the list (the listing context): read or
// write on an ancestor. Nothing grants it on the root (no bucket_read setting).
bool read_all(Kind k, const Grants& g) {
  switch (k) {
    case Kind::kBucket: return false;
    case Kind::kGroup:
    case Kind::kCollection: return g.b_write || g.b_read;
    case Kind::kRecord: return g.b_write || g.b_read || g.c_write || g.c_read;
  }
  return false;
}

// §7.5 step 3 with §16: an object shows in a list the user cannot read whole
// when the user holds any permission on the object itself.
bool listed_alone(Kind k, const Grants& g) {
  switch (k) {
    case Kind::kBucket: return g.b_write || g.b_read || g.b_collection_create || g.b_group_create;
    case Kind::kGroup: return g.g_write || g.g_read;
    case Kind::kCollection: return g.c_write || g.c_read || g.c_record_create;
    case Kind::kRecord: return g.r_write || g.r_read;
  }
  return false;
}

bool write(Kind k, const Grants& g) {
  switch (k) {
    case Kind::kBucket: return g.b_write;
    case Kind::kGroup: return g.b_write || g.g_write;
    case Kind::kCollection: return g.b_write || g.c_write;
    case Kind::kRecord: return g.b_write || g.c_write || g.r_write;
  }
  return false;
}

bool write_all(Kind k, const Grants& g) {
  switch (k) {
    case Kind::kBucket: return false;
    case Kind::kGroup:
    case Kind::kCollection: return g.b_write;
    case Kind::kRecord: return g.b_write || g.c_write;
  }
  return false;
}

// The object's own write ACE names the actor: its ACL is shown (§3.1).
bool own_write(Kind k, const Grants& g) {
  switch (k) {
    case Kind::kBucket: return g.b_write;
    case Kind::kGroup: return g.g_write;
    case Kind::kCollection: return g.c_write;
    case Kind::kRecord: return g.r_write;
  }
  return false;
}

// §7.3/§7.4: creating an object of kind k in the fixture's parent.
bool create(Kind k, const Actor& a) {
  const Grants& g = a.g;
  switch (k) {
    case Kind::kBucket: return a.authenticated();  // bucket_create_principals = system.Authenticated
    case Kind::kGroup: return g.b_write || g.b_group_create;
    case Kind::kCollection: return g.b_write || g.b_collection_create;
    case Kind::kRecord: return g.b_write || g.c_write || g.c_record_create;
  }
  return false;
}

enum class Verb {
  // Leave the state unchanged whatever the answer should be.
  kGet, kHead, kGetMissing, kPatchMissing, kDeleteMissing, kPutIfNoneMatch, kPostExisting, kList, kCount,
  // Preconditions that fail on the existing object: 412 or a refusal.
  kGetIfNoneMatch, kGetIfMatchStale, kPostExistingIfNoneMatch, kPutIfMatchStale, kPatchIfNoneMatch,
  kPatchIfMatchStale, kDeleteIfNoneMatch, kDeleteIfMatchStale,
  // Write when allowed.
  kPut, kPatch, kDelete, kPutNew, kPostNew, kDeleteAll,
};
const Verb kVerbs[] = {Verb::kGet, Verb::kHead, Verb::kGetMissing, Verb::kPatchMissing, Verb::kDeleteMissing,
                       Verb::kPutIfNoneMatch, Verb::kPostExisting, Verb::kList, Verb::kCount,
                       Verb::kGetIfNoneMatch, Verb::kGetIfMatchStale, Verb::kPostExistingIfNoneMatch,
                       Verb::kPutIfMatchStale, Verb::kPatchIfNoneMatch, Verb::kPatchIfMatchStale,
                       Verb::kDeleteIfNoneMatch, Verb::kDeleteIfMatchStale, Verb::kPut, Verb::kPatch,
                       Verb::kDelete, Verb::kPutNew, Verb::kPostNew, Verb::kDeleteAll};

const char* verb_label(Verb v) {
  switch (v) {
    case Verb::kGet: return "GET object";
    case Verb::kHead: return "HEAD object";
    case Verb::kGetMissing: return "GET missing object";
    case Verb::kPatchMissing: return "PATCH missing object";
    case Verb::kDeleteMissing: return "DELETE missing object";
    case Verb::kPutIfNoneMatch: return "PUT existing object with If-None-Match: *";
    case Verb::kPostExisting: return "POST plural with an existing id";
    case Verb::kList: return "GET plural";
    case Verb::kCount: return "HEAD plural";
    case Verb::kPut: return "PUT existing object";
    case Verb::kPatch: return "PATCH object";
    case Verb::kDelete: return "DELETE object";
    case Verb::kPutNew: return "PUT new object";
    case Verb::kPostNew: return "POST plural (new object)";
    case Verb::kDeleteAll: return "DELETE plural";
    case Verb::kGetIfNoneMatch: return "GET object with If-None-Match: *";
    case Verb::kGetIfMatchStale: return "GET object with a stale If-Match";
    case Verb::kPostExistingIfNoneMatch: return "POST plural with an existing id and If-None-Match: *";
    case Verb::kPutIfMatchStale: return "PUT existing object with a stale If-Match";
    case Verb::kPatchIfNoneMatch: return "PATCH object with If-None-Match: *";
    case Verb::kPatchIfMatchStale: return "PATCH object with a stale If-Match";
    case Verb::kDeleteIfNoneMatch: return "DELETE object with If-None-Match: *";
    case Verb::kDeleteIfMatchStale: return "DELETE object with a stale If-Match";
  }
  return "";
}

bool writes_when_allowed(Verb v) { return v >= Verb::kPut; }
bool is_read(Verb v) {
  return v == Verb::kGet || v == Verb::kHead || v == Verb::kGetMissing || v == Verb::kList ||
         v == Verb::kCount || v == Verb::kGetIfNoneMatch || v == Verb::kGetIfMatchStale;
}
// Answered 412 with the object to those allowed: also checked through /v1/batch.
bool is_precondition(Verb v) {
  return v == Verb::kPutIfNoneMatch || (v >= Verb::kGetIfNoneMatch && v <= Verb::kDeleteIfMatchStale);
}

struct Expect {
  int status = 0;
  int errno_ = 0;
  std::vector<std::string> ids;  // GET/HEAD/DELETE plural
  bool acl_shown = false;        // object reads: full ACL rather than {}
};

Expect denied(const Actor& a) {
  return a.authenticated() ? Expect{403, 121, {}, false} : Expect{401, 104, {}, false};
}
Expect status(int s) { return Expect{s, 0, {}, false}; }

Expect expected(Kind k, Verb v, const Actor& a) {
  const Grants& g = a.g;
  switch (v) {
    case Verb::kGet:
    case Verb::kHead:
    case Verb::kPostExisting: {  // §7.4: POST of an existing id reads it
      if (!read_attributes(k, g)) return denied(a);
      Expect e = status(200);
      e.acl_shown = own_write(k, g);
      return e;
    }
    // A missing object has no ACL: only what is inherited from the parent
    // counts (§7.5 step 2, and GET: read inherited down the tree).
    case Verb::kGetMissing:
    case Verb::kPatchMissing:
    case Verb::kDeleteMissing: return read_all(k, g) ? Expect{404, 110, {}, false} : denied(a);
    // The 412 shows the object: only to those who may read it (ratchet
    // departs from Kinto, which checks only create and leaks the object).
    case Verb::kPutIfNoneMatch:
      return create(k, a) && read_attributes(k, g) ? Expect{412, 114, {}, false} : denied(a);
    case Verb::kGetIfNoneMatch:
    case Verb::kGetIfMatchStale:
    case Verb::kPostExistingIfNoneMatch:
      return read_attributes(k, g) ? Expect{412, 114, {}, false} : denied(a);
    case Verb::kPutIfMatchStale:
    case Verb::kPatchIfNoneMatch:
    case Verb::kPatchIfMatchStale:
    case Verb::kDeleteIfNoneMatch:
    case Verb::kDeleteIfMatchStale: return write(k, g) ? Expect{412, 114, {}, false} : denied(a);
    case Verb::kList:
    case Verb::kCount: {
      Expect e = status(200);
      if (read_all(k, g) || listed_alone(k, g)) {
        e.ids = {fixture_id(k)};
      } else if (!create(k, a)) {
        return denied(a);
      }
      return e;
    }
    case Verb::kPut:
    case Verb::kPatch:
    case Verb::kDelete: return write(k, g) ? status(200) : denied(a);
    case Verb::kPutNew:
    case Verb::kPostNew: return create(k, a) ? status(201) : denied(a);
    case Verb::kDeleteAll: {
      Expect e = status(200);
      if (write_all(k, g) || own_write(k, g)) {
        e.ids = {fixture_id(k)};
      } else if (!create(k, a)) {
        return denied(a);
      }
      return e;
    }
  }
  return {};
}

struct Scenario {
  std::string name;
  // Run by alice once the fixture exists.
  std::function<void(TestServer&)> grant;
  Grants bob;
  bool carol_too = false;  // the grant reaches every authenticated user
};

std::string perms(const std::string& perm, const std::vector<std::string>& principals) {
  return Json{{"permissions", {{perm, principals}}}}.dump();
}

// A grant of `perm` on the object at `path` to `principal` (alice stays a writer).
std::function<void(TestServer&)> grant(const std::string& path, const std::string& perm,
                                       const std::string& principal) {
  return [=](TestServer& s) {
    std::vector<std::string> who{principal};
    if (perm == "write") who.push_back(basic_id("alice"));
    must(s, "PATCH", path, perms(perm, who), "alice", {200});
  };
}

std::function<void(TestServer&)> members(const std::string& member,
                                         std::function<void(TestServer&)> then) {
  return [=](TestServer& s) {
    must(s, "PATCH", kBucketPath + "/groups/g", Json{{"data", {{"members", {member}}}}}.dump(), "alice", {200});
    then(s);
  };
}

std::vector<Scenario> scenarios() {
  const std::string bob = basic_id("bob");
  const std::string record = kCollectionPath + "/records/r";
  const std::string group = kBucketPath + "/groups/g";
  std::vector<Scenario> out;
  auto add = [&](std::string name, std::function<void(TestServer&)> g, Grants grants, bool carol = false) {
    out.push_back({std::move(name), std::move(g), grants, carol});
  };
  add("nothing", [](TestServer&) {}, {});
  add("bucket_read", grant(kBucketPath, "read", bob), {.b_read = true});
  add("bucket_write", grant(kBucketPath, "write", bob), {.b_write = true});
  add("bucket_collection_create", grant(kBucketPath, "collection:create", bob), {.b_collection_create = true});
  add("bucket_group_create", grant(kBucketPath, "group:create", bob), {.b_group_create = true});
  add("group_read", grant(group, "read", bob), {.g_read = true});
  add("group_write", grant(group, "write", bob), {.g_write = true});
  add("collection_read", grant(kCollectionPath, "read", bob), {.c_read = true});
  add("collection_write", grant(kCollectionPath, "write", bob), {.c_write = true});
  add("collection_record_create", grant(kCollectionPath, "record:create", bob), {.c_record_create = true});
  add("record_read", grant(record, "read", bob), {.r_read = true});
  add("record_write", grant(record, "write", bob), {.r_write = true});
  add("member_of_group_reading_bucket", members(bob, grant(kBucketPath, "read", kGroupUri)), {.b_read = true});
  add("member_of_group_writing_collection", members(bob, grant(kCollectionPath, "write", kGroupUri)),
      {.c_write = true});
  add("authenticated_reading_bucket", grant(kBucketPath, "read", "system.Authenticated"), {.b_read = true}, true);
  add("authenticated_group_writing_record",
      members("system.Authenticated", grant(record, "write", kGroupUri)), {.r_write = true}, true);
  return out;
}

void configure(Settings& st, Registry&) {
  for (const char* type : {"bucket", "group", "collection", "record"}) {
    st.principals[std::string(type) + "_read"] = {basic_id("root")};
  }
}

std::unique_ptr<TestServer> make_fixture(const Scenario& sc) {
  auto s = std::make_unique<TestServer>(configure);
  auto body = [](Kind k, Json extra = Json::object()) {
    extra["secret"] = marker(k);
    return Json{{"data", extra}}.dump();
  };
  must(*s, "PUT", kBucketPath, body(Kind::kBucket), "alice", {201});
  must(*s, "PUT", kBucketPath + "/groups/g", body(Kind::kGroup, {{"members", Json::array()}}), "alice", {201});
  must(*s, "PUT", kCollectionPath, body(Kind::kCollection), "alice", {201});
  must(*s, "PUT", kCollectionPath + "/records/r", body(Kind::kRecord), "alice", {201});
  sc.grant(*s);
  return s;
}

// Everything root sees: every list with its tombstones (and so every
// object's last_modified and data).
std::string state(TestServer& s) {
  std::string out;
  for (Kind k : kKinds) {
    Reply r = s.get(plural_path(k) + "?_since=0", "root");
    out += std::to_string(r.status) + " " + r.body + "\n";
  }
  return out;
}

struct Request {
  std::string method, path, body;
  httplib::Headers headers;
};

Request request_of(Kind k, Verb v) {
  std::string id = fixture_id(k);
  std::string data = k == Kind::kGroup ? R"({"data":{"members":[],"secret":"replaced"}})"
                                       : R"({"data":{"secret":"replaced"}})";
  std::string patch = R"({"data":{"patched":true}})";
  std::string posted = Json{{"data", {{"id", id}, {"secret", "posted"}}}}.dump();
  httplib::Headers none_match{{"If-None-Match", "*"}};
  httplib::Headers stale{{"If-Match", "\"1\""}};
  switch (v) {
    case Verb::kGet: return {"GET", object_path(k, id), "", {}};
    case Verb::kHead: return {"HEAD", object_path(k, id), "", {}};
    case Verb::kGetMissing: return {"GET", object_path(k, "missing"), "", {}};
    case Verb::kPatchMissing: return {"PATCH", object_path(k, "missing"), R"({"data":{"x":1}})", {}};
    case Verb::kDeleteMissing: return {"DELETE", object_path(k, "missing"), "", {}};
    case Verb::kPutIfNoneMatch: return {"PUT", object_path(k, id), data, none_match};
    case Verb::kPostExisting: return {"POST", plural_path(k), posted, {}};
    case Verb::kList: return {"GET", plural_path(k), "", {}};
    case Verb::kCount: return {"HEAD", plural_path(k), "", {}};
    case Verb::kGetIfNoneMatch: return {"GET", object_path(k, id), "", none_match};
    case Verb::kGetIfMatchStale: return {"GET", object_path(k, id), "", stale};
    case Verb::kPostExistingIfNoneMatch: return {"POST", plural_path(k), posted, none_match};
    case Verb::kPutIfMatchStale: return {"PUT", object_path(k, id), data, stale};
    case Verb::kPatchIfNoneMatch: return {"PATCH", object_path(k, id), patch, none_match};
    case Verb::kPatchIfMatchStale: return {"PATCH", object_path(k, id), patch, stale};
    case Verb::kDeleteIfNoneMatch: return {"DELETE", object_path(k, id), "", none_match};
    case Verb::kDeleteIfMatchStale: return {"DELETE", object_path(k, id), "", stale};
    case Verb::kPut: return {"PUT", object_path(k, id), data, {}};
    case Verb::kPatch: return {"PATCH", object_path(k, id), patch, {}};
    case Verb::kDelete: return {"DELETE", object_path(k, id), "", {}};
    case Verb::kPutNew: return {"PUT", object_path(k, "fresh"), data, {}};
    case Verb::kPostNew: return {"POST", plural_path(k), data, {}};
    case Verb::kDeleteAll: return {"DELETE", plural_path(k), "", {}};
  }
  return {};
}

Reply perform(TestServer& s, Kind k, Verb v, const Actor& a) {
  Request q = request_of(k, v);
  return s.request(q.method, q.path, q.body, a.name, q.headers);
}

// The same request as the only one of a POST /v1/batch; its sub-response.
Reply perform_batched(TestServer& s, Kind k, Verb v, const Actor& a) {
  Request q = request_of(k, v);
  Json sub = {{"method", q.method}, {"path", q.path}};
  if (!q.body.empty()) sub["body"] = Json::parse(q.body);
  for (const auto& [name, value] : q.headers) sub["headers"][name] = value;
  Reply outer = s.request("POST", "/v1/batch", Json{{"requests", {sub}}}.dump(), a.name);
  if (outer.status != 200) {
    ADD_FAILURE() << "batch: " << describe(outer);
    return outer;
  }
  Json r = outer.json()["responses"][0];
  Reply out;
  out.status = r["status"];
  for (const auto& [name, value] : r["headers"].items()) out.headers.emplace(name, value.get<std::string>());
  out.body = r["body"].is_string() ? r["body"].get<std::string>() : r["body"].dump();
  return out;
}

std::vector<std::string> root_ids(TestServer& s, Kind k) { return ids_of(s.get(plural_path(k), "root")); }

// Checks one answer against the expectation; `s` is the server it came from.
void check(TestServer& s, Kind k, Verb v, const Actor& a, const Expect& e, const Reply& r,
           const std::string& list_etag) {
  bool head = v == Verb::kHead || v == Verb::kCount;
  if (r.status != e.status) {
    ADD_FAILURE() << "expected " << e.status << (e.errno_ ? "/" + std::to_string(e.errno_) : "") << ", got "
                  << describe(r);
    return;
  }
  if (head) {
    EXPECT_TRUE(r.body.empty()) << r.body;
  } else if (e.errno_) {
    EXPECT_TRUE(IsError(r, e.status, e.errno_));
  }
  if (e.status == 412) {
    // §5.2: a user who may read the object learns that it exists, and gets
    // its data (never its ACL) in details.existing, its timestamp in the ETag.
    Json b = parse_or_null(r.body);
    EXPECT_EQ(b["details"]["existing"]["id"], fixture_id(k)) << r.body;
    EXPECT_EQ(b["details"]["existing"]["secret"], marker(k)) << r.body;
    EXPECT_EQ(count_of(r.body, "permissions"), 0u) << r.body;
    Json stored = s.get(object_path(k, fixture_id(k)), "root").json()["data"];
    EXPECT_EQ(b["details"]["existing"], stored) << r.body;
    EXPECT_EQ(r.header("ETag"), quoted(stored["last_modified"].get<int64_t>()));
    return;
  }
  // A refusal shows nothing of the object, not even its timestamp.
  if (e.status == 401 || e.status == 403) {
    EXPECT_FALSE(r.has_header("ETag")) << r.header("ETag");
    EXPECT_FALSE(r.has_header("Last-Modified")) << r.header("Last-Modified");
  }
  // No object data in any other error (§7.5): only the canonical bodies.
  if (e.status >= 400) {
    EXPECT_EQ(count_of(r.body, "secret-"), 0u) << r.body;
    Json b = parse_or_null(r.body);
    if (e.status == 404) {
      EXPECT_EQ(b["details"], (Json{{"id", "missing"}, {"resource_name", kind_name(k)}})) << r.body;
    } else if (e.status == 401 || e.status == 403) {
      if (!head) {
        EXPECT_FALSE(b.contains("details")) << r.body;
        EXPECT_EQ(b["message"], e.status == 401 ? "Please authenticate yourself to use this endpoint."
                                                : "This user cannot access this resource.");
      }
    }
    return;
  }
  Json b = parse_or_null(r.body);
  switch (v) {
    case Verb::kGet:
    case Verb::kPostExisting: {
      EXPECT_EQ(b["data"]["id"], fixture_id(k));
      EXPECT_EQ(b["data"]["secret"], marker(k)) << "the stored object, unchanged";
      if (e.acl_shown) {
        EXPECT_TRUE(contains(b["permissions"]["write"], basic_id("alice"))) << r.body;
      } else {
        EXPECT_EQ(b["permissions"], Json::object()) << "ACL shown to a non-writer: " << r.body;
      }
      break;
    }
    case Verb::kList: {
      EXPECT_EQ(ids_of(r), e.ids);
      for (const Json& item : b["data"]) {
        EXPECT_FALSE(item.contains("permissions")) << item;
        EXPECT_EQ(item["secret"], marker(k)) << item;
      }
      // §3.2: the ETag of the whole, unfiltered list.
      EXPECT_EQ(r.header("ETag"), list_etag);
      break;
    }
    case Verb::kCount:
      EXPECT_EQ(r.header("Total-Records"), std::to_string(e.ids.size()));
      EXPECT_EQ(r.header("Total-Objects"), std::to_string(e.ids.size()));
      EXPECT_EQ(r.header("ETag"), list_etag);
      break;
    case Verb::kPut:
    case Verb::kPatch: {
      // §7.6: the editor becomes a writer of what they changed.
      EXPECT_TRUE(contains(b["permissions"]["write"], basic_id(a.name))) << r.body;
      Json now = s.get(object_path(k, fixture_id(k)), "root").json()["data"];
      if (v == Verb::kPut) {
        EXPECT_EQ(now["secret"], "replaced");
      } else {
        EXPECT_EQ(now["patched"], true);
        EXPECT_EQ(now["secret"], marker(k));
      }
      break;
    }
    case Verb::kDelete:
      EXPECT_EQ(b["data"]["id"], fixture_id(k));
      EXPECT_EQ(b["data"]["deleted"], true);
      EXPECT_EQ(root_ids(s, k), std::vector<std::string>{});
      break;
    case Verb::kPutNew:
    case Verb::kPostNew: {
      EXPECT_TRUE(contains(b["permissions"]["write"], basic_id(a.name))) << r.body;
      std::string id = b["data"].value("id", "");
      if (v == Verb::kPutNew) {
        EXPECT_EQ(id, "fresh");
      }
      auto ids = root_ids(s, k);
      EXPECT_NE(std::find(ids.begin(), ids.end(), id), ids.end()) << "not created: " << id;
      break;
    }
    case Verb::kDeleteAll: {
      EXPECT_EQ(ids_of(r), e.ids);
      for (const Json& t : b["data"]) EXPECT_EQ(t["deleted"], true) << t;
      auto left = root_ids(s, k);
      if (e.ids.empty()) {
        EXPECT_EQ(left, std::vector<std::string>{fixture_id(k)});
      } else {
        EXPECT_EQ(left, std::vector<std::string>{});
      }
      break;
    }
    default: break;
  }
}

void PrintTo(const Scenario& sc, std::ostream* os) { *os << sc.name; }

class HttpPermissionMatrix : public ::testing::TestWithParam<Scenario> {};

TEST_P(HttpPermissionMatrix, EveryActorTypeAndVerb) {
  const Scenario& sc = GetParam();
  std::vector<Actor> actors{{"bob", sc.bob}, {"carol", sc.carol_too ? sc.bob : Grants{}}, {"", Grants{}}};
  std::unique_ptr<TestServer> shared = make_fixture(sc);
  std::string before = state(*shared);
  std::map<Kind, std::string> etags;
  for (Kind k : kKinds) etags[k] = shared->get(plural_path(k), "root").header("ETag");

  for (const Actor& a : actors) {
    for (Kind k : kKinds) {
      for (Verb v : kVerbs) {
        Expect e = expected(k, v, a);
        SCOPED_TRACE("[" + sc.name + "] " + a.label() + " " + verb_label(v) + " on the " + kind_name(k));
        if (writes_when_allowed(v) && e.status < 400) {
          auto fresh = make_fixture(sc);
          check(*fresh, k, v, a, e, perform(*fresh, k, v, a), "");
          continue;
        }
        Reply r = perform(*shared, k, v, a);
        check(*shared, k, v, a, e, r, etags[k]);
        if (is_precondition(v)) {
          SCOPED_TRACE("through POST /v1/batch");
          check(*shared, k, v, a, e, perform_batched(*shared, k, v, a), etags[k]);
        }
        if (is_read(v)) continue;
        std::string after = state(*shared);
        if (after != before) {
          ADD_FAILURE() << "the state changed:\nbefore:\n" << before << "after:\n" << after;
          shared = make_fixture(sc);
          before = state(*shared);
          for (Kind kk : kKinds) etags[kk] = shared->get(plural_path(kk), "root").header("ETag");
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(HttpPermMatrix, HttpPermissionMatrix, ::testing::ValuesIn(scenarios()),
                         [](const ::testing::TestParamInfo<Scenario>& info) { return info.param.name; });

}  // namespace
}  // namespace ratchet::testing
