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
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/ids.h"
#include "core/json.h"

namespace ratchet {

struct Op;

enum Verb : unsigned {
  kGet = 1, kHead = 2, kPost = 4, kPut = 8, kPatch = 16, kDelete = 32,
};
using Verbs = unsigned;
const char* verb_name(Verb verb);

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
  // When set, an anonymous request may not list these objects even if it may
  // create them, and gets this error (Kinto's accounts: 401 "Cannot read
  // accounts.", errno 999).
  std::optional<Error> anonymous_list_refusal{};
  Verbs plural_verbs = kGet | kHead | kPost | kDelete;
  Verbs object_verbs = kGet | kHead | kPut | kPatch | kDelete;
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

 private:
  std::deque<ResourceType> types_;
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
