// The writes of one list (parent, resource type), made on top of the writes
// not yet durable (a Pending overlay) and recorded as a Commit (commit.h).
// The only code that changes objects; it keeps these invariants, which hold
// in every committed state (list_store_test.cpp checks each on both engines):
//   1. An id is either live (object, ACL unless the type is per-user) or a
//      tombstone, or absent; never two of these.
//   2. Each live object and each tombstone has exactly one
//      modification-index entry, at its last_modified, marked as live or
//      deleted; the index has no other entry.
//   3. The list count is the number of live objects.
//   4. The list timestamp is at least every last_modified in the list, and
//      never decreases.
//   5. The permission index holds (principal, uri) for every principal of
//      every stored ACL (it may hold more: entries of objects removed with
//      a subtree are left behind, so readers check the ACL).
//   6. The membership index holds (member, group uri) exactly for the
//      members of every live group (an object of a type with a
//      members_field), including groups below removed objects: removing an
//      object removes every list below it and their membership entries.
// Timestamps are chosen by the caller (core/timestamp.h); the store only
// refuses to move the list timestamp back.
//
// Not thread-safe: a list has one writer.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/list_id.h"
#include "ratchet/registry.h"
#include "store/commit.h"
#include "store/list_reader.h"
#include "store/pending.h"

namespace ratchet {

class ListStore {
 public:
  // Reads see `engine`'s committed state plus the writes made here.
  ListStore(Engine& engine, const Registry& registry, const ResourceType& type, std::string parent);
  ListStore(const ListStore&) = delete;  // its view reads its own overlay
  ListStore& operator=(const ListStore&) = delete;

  const ListId& list() const { return view_.list(); }
  // Reads, including the writes not yet durable.
  const ListView& view() const { return view_; }
  const Reader& reader() const { return pending_; }
  // The committed state alone (of the last refresh()).
  const Snapshot& committed_state() const { return pending_.base(); }
  // Reads see every write committed before this call.
  void refresh() { pending_.refresh(); }

  int64_t timestamp() const { return ts_; }
  int64_t count() const { return count_; }
  // Moves the list timestamp to `ts` if it is later.
  void advance_timestamp(int64_t ts);

  // Stores object `id` with `data` (a minified JSON object without id and
  // last_modified) and `acl` (ignored for per-user types), last modified at
  // `ts` (the list-timestamp rule of core/timestamp.h chooses it; the list
  // timestamp advances to it). `old` is what view().get(id) returns.
  void put(const std::string& id, int64_t ts, const std::string& data, const std::string& acl,
           const StoredObject& old);
  // Replaces the live object `old` by a tombstone at `ts`, and removes
  // every list below it.
  void remove(const std::string& id, int64_t ts, const StoredObject& old);

  // Posts `payload` to the outbox of `list`, as the record of the write at
  // `ts` of the object at `uri` (commit.h, OutboxRecord).
  void post_outbox(const ListId& list, int64_t ts, std::string_view uri, std::string payload);
  // The records of this list's own outbox that are committed and not taken
  // yet: (key, payload), in key order.
  std::vector<std::pair<std::string, std::string>> outbox() const;
  // The payload of record `key` of this list's outbox, if it is there and
  // not taken.
  std::optional<std::string> outbox_record(const std::string& key) const;
  // Takes a record of this list's outbox.
  void take_outbox(const std::string& key);

  // A point in the writes being made; rollback() undoes every write after it.
  struct Mark {
    Pending::Mark pending;
    size_t changes;
    int64_t ts, count;
    bool ts_dirty, members_dirty;
  };
  Mark mark() const;
  void rollback(const Mark& mark);

  // True when there are writes to commit.
  bool dirty() const { return !building_.empty() || ts_dirty_; }
  // Completes the writes being made with the list's state and hands them
  // over as one commit; they stay readable until committed() or abandon().
  // At most one sealed commit may be outstanding.
  Commit seal();
  // The sealed commit is durable. True when it changed group membership.
  bool committed();
  // A commit failed: forgets every write not committed, reloads the state.
  void abandon();

 private:
  void record(Change change);
  // Index entries for the principals in `after` and not `before`, and the
  // removal of those in `before` and not `after`.
  void update_index(IndexEntry::Index index, const std::string& uri,
                    const std::set<std::string>& before, const std::set<std::string>& after);
  void update_grants(const std::string& uri, const std::string& old_acl, const std::string& new_acl);
  void update_members(const std::string& uri, const std::string& old_text,
                      const std::string& new_text);
  void purge_members_below(const ResourceType& type, const std::string& uri);
  void load();

  const Registry& registry_;
  const ResourceType& type_;
  const bool has_children_;
  Pending pending_;
  ListView view_;
  Commit building_;
  int64_t ts_ = 0;
  int64_t count_ = 0;
  bool ts_dirty_ = false;
  bool members_dirty_ = false;  // the commit being built changes group membership
  bool sealed_members_dirty_ = false;
};

}  // namespace ratchet
