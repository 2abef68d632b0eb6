// The key layout. All keys of one list share the list prefix
//   <parent id> \0 <resource name> \0
// followed by a one-byte family:
//   'N'               live object count (decimal)
//   'T'               list timestamp (decimal)
//   'm' <ts:8 BE> <id> modification index: "" live, "d" tombstone
//   'o' <id>          object, stored as served: {"id":..,"last_modified":..,...}
//   'p' <id>          ACL of the object (JSON text)
//   't' <id>          tombstone: its last_modified (decimal)
// A list's children live under lists whose parent id is the object's URI, so
// everything below an object is the two ranges subtree(uri). Keys outside
// any list -- the membership index, the permission index, outboxes, the
// heartbeat probe and the format version -- start with a byte below ' ' that no
// parent id starts with (parents are "", URIs, or user ids).
// Object ids written to the store never contain \0 (the frontend refuses
// them); an id read from a URL that would is simply not found.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ratchet::keys {

std::string list_prefix(std::string_view parent, std::string_view resource);

inline std::string count(const std::string& lp) { return lp + 'N'; }
inline std::string timestamp(const std::string& lp) { return lp + 'T'; }
std::string change(const std::string& lp, int64_t ts, std::string_view id);
inline std::string change_begin(const std::string& lp) { return lp + 'm'; }
inline std::string change_end(const std::string& lp) { return lp + 'n'; }
inline std::string object(const std::string& lp, std::string_view id) {
  return lp + 'o' + std::string(id);
}
inline std::string acl(const std::string& lp, std::string_view id) {
  return lp + 'p' + std::string(id);
}
inline std::string tombstone(const std::string& lp, std::string_view id) {
  return lp + 't' + std::string(id);
}
inline std::string objects_begin(const std::string& lp) { return lp + 'o'; }
inline std::string objects_end(const std::string& lp) { return lp + 'p'; }

// Decodes a change key of list `lp`: its timestamp and object id.
std::pair<int64_t, std::string_view> parse_change(std::string_view key, size_t lp_size);

// The key ranges [begin, end) holding every list below the object `uri`,
// and their outboxes.
std::vector<std::pair<std::string, std::string>> subtree(std::string_view uri);

// The indexes outside lists. C++ reads "\x01a" as the one byte 0x1a (and
// "\x01format" as 0x1f "ormat"): stores written so far use these bytes.
inline const std::string kMembersPrefix = "\x01m";
inline const std::string kGrantsPrefix = "\x01a";

// Membership index: principal `member` belongs to the group at `group_uri`.
std::string member(std::string_view member, std::string_view group_uri);
std::string members_begin(std::string_view member);
std::string members_end(std::string_view member);

// Permission index: `principal` appears in the ACL of the object at `uri`.
// Entries are candidates, checked against the ACL when read: a cascade does
// not remove those of the objects it deletes.
std::string grant(std::string_view principal, std::string_view uri);
std::string grants_begin(std::string_view principal, std::string_view uri_prefix = "");
std::string grants_end(std::string_view principal, std::string_view uri_prefix = "");

// Outbox of the list with prefix `lp` (commit.h, OutboxRecord): its
// records in key order.
inline const std::string kOutboxPrefix = std::string("\x01") + "o";
inline std::string outbox(const std::string& lp, std::string_view key) {
  return kOutboxPrefix + lp + std::string(key);
}
inline std::string outbox_begin(const std::string& lp) { return kOutboxPrefix + lp; }
std::string outbox_end(const std::string& lp);
// A record key (text) ordered by `ts` (not negative), unique for the
// object at `uri`.
std::string outbox_record(int64_t ts, std::string_view uri);

inline const std::string kHeartbeat = "\x01heartbeat";
inline const std::string kFormat = "\x01format";  // format.h
inline const std::string kPosition = "\x01position";  // log_position.h
inline const std::string kCopying = "\x01copying";    // log_position.h

}  // namespace ratchet::keys
