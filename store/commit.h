// A committed write as a value: the logical changes of one store batch, in
// the order they were made. It may span several lists (a delete closes the
// subtrees below the objects it removes). Applying it in order to a store
// holding the state it was made on -- the primary's, or a replica's with
// every earlier commit applied -- gives the same state: each change names
// what it replaces, so applying reads nothing.
//
// Changes are plain values (copyable, comparable, no references), to be
// shipped to replicas; like any value, safe to use from one thread at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/list_id.h"
#include "store/batch.h"

namespace ratchet {

// An object written: its stored text and ACL (none for per-user types). It
// replaces the modification-index entry at `replaced_ts` -- of the object
// when `replaced_tombstone` is false, of its tombstone otherwise -- or none
// when `replaced_ts` is nullopt.
struct PutObject {
  ListId list;
  std::string id;
  int64_t ts = 0;
  std::string text;
  std::optional<std::string> acl;
  std::optional<int64_t> replaced_ts;
  bool replaced_tombstone = false;
  bool operator==(const PutObject&) const = default;
};

// A live object (last modified at `replaced_ts`) replaced by a tombstone at `ts`.
struct RemoveObject {
  ListId list;
  std::string id;
  int64_t ts = 0;
  int64_t replaced_ts = 0;
  bool operator==(const RemoveObject&) const = default;
};

// Every list below the object at `uri` is gone.
struct RemoveSubtree {
  std::string uri;
  bool operator==(const RemoveSubtree&) const = default;
};

// An entry of an index outside lists added (present) or removed.
//   kGrant:  `principal` appears in the ACL of the object at `uri`.
//   kMember: `principal` is a member of the group at `uri`.
struct IndexEntry {
  enum class Index : unsigned char { kGrant, kMember };
  Index index = Index::kGrant;
  std::string principal;
  std::string uri;
  bool present = true;
  bool operator==(const IndexEntry&) const = default;
};

// A list's timestamp and live object count, as of the end of the commit.
struct ListState {
  ListId list;
  int64_t timestamp = 0;
  int64_t count = 0;
  bool operator==(const ListState&) const = default;
};

// A record of the outbox of `list` (registry.h, OutboxPost): posted with
// the write that makes it, taken when the list's writer turns it into an
// object. Records are read in `key` order; removing an object removes the
// outboxes of the lists below it.
struct OutboxRecord {
  ListId list;
  std::string key;
  std::string payload;  // empty when taken
  bool present = true;
  bool operator==(const OutboxRecord&) const = default;
};

using Change =
    std::variant<PutObject, RemoveObject, RemoveSubtree, IndexEntry, ListState, OutboxRecord>;

struct Commit {
  std::vector<Change> changes;
  bool empty() const { return changes.empty(); }
};

// The key writes of a commit, in order (the layout of store/keys.h).
Batch encode(const Commit& commit);
// The same, appended to `out`.
void encode(const Commit& commit, Batch& out);

}  // namespace ratchet
