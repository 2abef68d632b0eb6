// The stored object text and its encodings, parents and ACLs of objects.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/list_id.h"
#include "core/permissions.h"
#include "store/engine.h"

namespace ratchet::catalog {

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

// The lists whose outbox holds records (commit.h, OutboxRecord).
std::vector<ListId> lists_with_outbox(const Snapshot& snapshot);

// Decimal encoding of counters and timestamps.
std::string encode_int(int64_t v);
int64_t decode_int(std::string_view text);

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
