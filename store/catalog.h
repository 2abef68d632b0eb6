// Typed access to the key layout of keys.h: list timestamps and counts,
// objects, ACLs, and the stored object text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/permissions.h"
#include "store/engine.h"
#include "store/keys.h"

namespace ratchet::catalog {

// The stored list timestamp, 0 when it was never assigned.
int64_t list_timestamp(const Reader& reader, const std::string& lp);
// Live objects in the list.
int64_t list_count(const Reader& reader, const std::string& lp);

// Whether the object that owns the list of `type` objects under `parent`
// exists (always at top level); its text in `text` when not null.
bool parent_exists(const Reader& reader, const Registry& registry, const ResourceType& type,
                   std::string_view parent, std::string* text);

// The stored (and served) text of an object: {"id":..,"last_modified":..,<data fields>}.
// `data` is a minified JSON object without "id" and "last_modified".
std::string object_text(std::string_view id, int64_t ts, std::string_view data);
// The last_modified of a stored object text.
int64_t object_timestamp(std::string_view text);
// {"id":..,"last_modified":..,"deleted":true}
std::string tombstone_text(std::string_view id, int64_t ts);

// Decimal encoding of counters and timestamps.
std::string encode_int(int64_t v);
int64_t decode_int(std::string_view text);

// Ids of the objects of list `lp` (whose URIs start with `uri_prefix`) on
// which one of `principals` holds one of `perms` (any permission when
// empty), from the permission index checked against each ACL. Sorted.
std::vector<std::string> granted_ids(const Snapshot& snapshot, const std::string& lp,
                                     const std::string& uri_prefix,
                                     const std::vector<std::string>& principals,
                                     const std::vector<std::string_view>& perms);

// ACLs of objects as stored, for the permission decision.
class StoredAcls : public AclSource {
 public:
  explicit StoredAcls(const Reader& reader) : reader_(reader) {}
  bool acl(const ResourceType& type, std::string_view parent, std::string_view id,
           std::string* text) override;

 private:
  const Reader& reader_;
};

}  // namespace ratchet::catalog
