// The resource registry: the toolkit's public API. Every kind of object the
// server exposes -- Kinto's buckets, collections, groups and records, and an
// embedding application's own -- is declared here once; routing, storage
// keys, permissions and validation are all derived from these declarations.
//
// Thread-safety: build the registry before the server starts; afterwards it
// is read-only and may be shared by every thread.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ratchet/error.h"
#include "ratchet/ids.h"
#include "ratchet/json.h"

namespace ratchet {

struct Op;
struct Settings;
class Objects;  // plugin.h
class Registry;

enum Verb : unsigned {
  kGet = 1, kHead = 2, kPost = 4, kPut = 8, kPatch = 16, kDelete = 32,
};
using Verbs = unsigned;
const char* verb_name(Verb verb);

// Calls visit(id, stored text) for each object of a list.
using ObjectWalk = std::function<void(
    const std::function<void(std::string_view id, std::string_view text)>& visit)>;

struct ResourceType {
  std::string name;    // "record": resource_name in errors, storage and settings keys
  std::string plural;  // "records": the URL segment of the plural endpoint
  std::string parent{};  // name of the parent type; empty for a top-level type
  // Top-level objects private to each authenticated user (Cliquet's
  // UserResource): the parent id is the user id, and there are no ACLs.
  bool per_user = false;
  IdRule ids = name_ids();
  // Validates `data` (without id and last_modified) of a create, replace or
  // patch result; appends one detail per problem (location "body").
  std::function<void(const Json& data, std::vector<ErrorDetail>& problems)> check{};
  // Runs in the list's writer just before an object is stored and may change
  // it; `old` is the stored data, or null on creation.
  std::function<void(Json& data, const Json* old)> process{};
  // Runs in the list's writer for a create, replace or patch (before the
  // permission check of a PUT, after it otherwise): may refuse it, and names
  // the principal recorded as its author (added to the object's write ACE);
  // `author` comes in as the requester's.
  std::function<std::optional<Error>(const Op& op, const std::string& id, std::string& author)>
      before_write{};
  // Name of a data field listing principals that each gain this object's URI
  // as a principal (Kinto's groups: "members"). Empty for other types.
  std::string members_field{};
  // Name of an integer data field giving how many seconds anonymous clients
  // may cache this object's children (Kinto's collections: cache_expires).
  std::string children_cache_field{};
  // Settings grants (<name>_<perm>_principals) a caller must all hold to
  // list every object; empty: Kinto's rule for the tree (a read or write
  // grant, or an inherited ACE). Others list the objects shared with them.
  // Kinto's accounts: read and write (an administrator lists every account
  // only when also a reader).
  std::vector<std::string> list_all_grants{};
  // When set, an anonymous request may not list these objects even if it may
  // create them, and gets this error (Kinto's accounts: 401 "Cannot read
  // accounts.", errno 999).
  std::optional<Error> anonymous_list_refusal{};
  Verbs plural_verbs = kGet | kHead | kPost | kDelete;
  Verbs object_verbs = kGet | kHead | kPut | kPatch | kDelete;
  // Objects the server alone creates, from the records other writes post
  // to the list's outbox (OutboxPost; Kinto's history entries). No one may
  // create such objects: their parent's ACL has no "<name>:create".
  bool fed_by_outbox = false;
  // For a type fed_by_outbox: after outbox records became objects, the ids
  // of objects to remove (Kinto's history trimming), given how many live
  // objects the list has and a walk over them (the committed ones, then
  // those just made).
  std::function<std::vector<std::string>(int64_t count, const ObjectWalk& objects)> trim{};
};

// Extension points a plugin registers. AuthPolicy and RequestHook callables
// run on the HTTP threads, concurrently: they must be thread-safe.

// An authentication policy (Kinto's multiauth.policies), given Basic
// credentials: the identifier of the user it recognises (the user id is
// "<policy name>:<identifier>"), or nullopt when it does not accept them.
using AuthPolicy = std::function<std::optional<std::string>(
    Objects& objects, const std::string& user, const std::string& password,
    const std::string& authorization)>;

// A request about to be routed, as a RequestHook sees it.
struct HookedRequest {
  const std::string& method;
  const std::string& path;  // "/v1/...", decoded
  const std::string& body;
  const std::string& user_id;
};
// What a RequestHook decides: an error to answer instead, or the request's
// new path and body (nullopt: unchanged).
struct HookOutcome {
  std::optional<Error> error;
  std::optional<std::string> path;
  std::optional<std::string> body;
};
// Runs before every request but OPTIONS is routed, in the order hooks were added.
using RequestHook =
    std::function<HookOutcome(Objects& objects, const HookedRequest& request)>;

// An ancestor of an object as stored (its URI, text and ACL), for a
// WriteValidator or a WriteListener.
struct StoredAncestor {
  std::string uri;
  std::string text;
  std::string acl;  // "" when none
};
// Checks, and may change, the data of a create, replace or patch about to
// be stored (without id and last_modified), given the object's id and its
// stored ancestors, nearest first: the error refuses the write. Runs in the
// list's writer after the type's check and process (Kinto's JSON-schema
// validation); called from many threads at once.
using WriteValidator = std::function<std::optional<Error>(
    const std::string& id, Json& data, const std::vector<StoredAncestor>& ancestors)>;

// A write a list's writer made, as a WriteListener sees it.
struct WriteEvent {
  const ResourceType& type;
  const std::string& uri;     // the object's
  const char* action;         // "create", "update" or "delete"
  const std::string& text;    // stored text after the write; the tombstone of a delete
  const std::string& acl;     // ACL after the write; "" after a delete
  const std::string& user_id;  // "" when anonymous
  const std::vector<StoredAncestor>& ancestors;  // nearest first
};
// A record for the outbox of the list (parent, resource), committed with
// the write that posts it; that list's writer turns it into an object
// with this data and ACL (ResourceType::fed_by_outbox), asked before the
// write is answered.
struct OutboxPost {
  std::string parent;
  std::string resource;
  std::string data;  // minified JSON object, without id and last_modified
  std::string acl;   // minified JSON object
};
// Runs in the list's writer after each create, update and delete it makes
// (Kinto's ResourceChanged listeners); called from many threads at once.
using WriteListener = std::function<std::optional<OutboxPost>(const WriteEvent& write)>;

// What a plugin serves below /v1<prefix>/ besides resources (Kinto's admin
// UI, the history's snapshots), and how it was asked.
struct Page {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // JSON unless a Content-Type header says otherwise
};
struct PageRequest {
  const std::string& path;     // without /v1
  const std::string& subpath;  // below the prefix ("" for the folder itself)
  const std::string& user_id;  // "" when anonymous
  const std::vector<std::string>& principals;
};
// The answer to a GET below the prefix; called from many threads at once.
using PageSource = std::function<Page(Objects& objects, const PageRequest& request)>;

// A plugin (Kinto's `includes`): a folder under plugins/ whose one entry
// point returns this. An application offers plugins (Registry::offer); the
// `includes` setting names those that run.
struct Plugin {
  // A settings key the plugin reads (as text, in Settings::extra), accepted
  // whether or not the plugin is included.
  struct Key {
    std::string name;
    // Throws ConfigError when the value cannot be used.
    std::function<void(const std::string& value)> check{};
    // A secret the plugin needs when included: it may not be empty.
    bool secret = false;
  };
  std::string name;
  std::vector<Key> keys{};
  std::vector<std::string> auth_policies{};  // names of the policies it adds
  // A boolean key that also includes the plugin when true (Kinto's
  // experimental_collection_schema_validation); empty: only `includes` does.
  std::string enabled_by{};
  // Adds what the plugin brings -- resources, policies, hooks, capabilities,
  // user fields -- to `registry`, for `settings` (which must outlive it).
  std::function<void(Registry& registry, const Settings& settings)> includeme{};
};

class Registry {
 public:
  // Adds a type; its parent must already be registered. Returns the stored
  // declaration, whose address stays valid for the registry's lifetime.
  const ResourceType& add(ResourceType type);

  const ResourceType* find(std::string_view name) const;
  const ResourceType* parent_of(const ResourceType& type) const;
  // The type whose plural segment is `plural` below `parent` (null: top level).
  const ResourceType* child(const ResourceType* parent, std::string_view plural) const;
  std::vector<const ResourceType*> children(const ResourceType& type) const;
  // Permission names accepted in an object's ACL: read, write and
  // "<child>:create" for each child type.
  std::vector<std::string> permissions(const ResourceType& type) const;
  const std::deque<ResourceType>& types() const { return types_; }

  // Plugins: those offered, and what the included ones add.
  void offer(Plugin plugin) { plugins_.push_back(std::move(plugin)); }
  const std::vector<Plugin>& plugins() const { return plugins_; }
  // Runs the includeme of every offered plugin `settings` includes.
  void include_plugins(const Settings& settings);
  void add_auth_policy(std::string name, AuthPolicy policy);
  // Null when no included plugin adds the policy.
  const AuthPolicy* auth_policy(std::string_view name) const;
  // Adds a validator of `type`'s writes; validators run in the order added.
  void add_validator(const std::string& type, WriteValidator validator);
  const std::vector<WriteValidator>& validators(const std::string& type) const;
  void add_write_listener(WriteListener listener) { listeners_.push_back(std::move(listener)); }
  const std::vector<WriteListener>& write_listeners() const { return listeners_; }
  // Serves GET /v1<prefix> (a redirect to the folder) and below it; a
  // segment "*" of the prefix matches any one segment.
  void add_pages(std::string prefix, PageSource source);
  // The source serving `path` (without /v1), if any, and the length of
  // the part of `path` its prefix matched.
  std::optional<std::pair<const PageSource*, size_t>> pages_for(std::string_view path) const;
  void add_request_hook(RequestHook hook) { hooks_.push_back(std::move(hook)); }
  const std::vector<RequestHook>& request_hooks() const { return hooks_; }
  // An entry of hello's "capabilities".
  void add_capability(std::string name, Json capability);
  const Json& capabilities() const { return capabilities_; }
  // A field of hello's "user", computed from the user id.
  void add_user_field(std::string name, std::function<Json(const std::string& user_id)> field);
  // The user fields of `user_id`, as an object.
  Json user_fields(const std::string& user_id) const;

 private:
  std::deque<ResourceType> types_;
  std::vector<Plugin> plugins_;
  std::vector<std::pair<std::string, AuthPolicy>> policies_;
  std::vector<RequestHook> hooks_;
  std::map<std::string, std::vector<WriteValidator>> validators_;
  std::vector<WriteListener> listeners_;
  std::vector<std::pair<std::string, PageSource>> pages_;
  Json capabilities_ = Json::object();
  std::vector<std::pair<std::string, std::function<Json(const std::string&)>>> user_fields_;
};

// The URI that names an object in ACLs and group principals, without /v1:
// "/buckets/b/collections/c". `parent` is the parent object's URI ("" at top
// level; a per-user type's parent is the user id, not part of the URI).
std::string object_uri(const ResourceType& type, std::string_view parent, std::string_view id);

// Splits the URI of a parent object into its own parent's URI and its id:
// "/buckets/b/collections/c" -> ("/buckets/b", "c").
std::pair<std::string_view, std::string_view> split_uri(std::string_view uri);

// Kinto's object model (PROTOCOL.md §2): buckets, groups, collections, records.
void add_kinto_resources(Registry& registry);

}  // namespace ratchet
