// The single writer of one list: (parent id, resource type). It evaluates
// each write against the committed store plus the writes not yet durable
// (the commit being built and the one being committed), assigns timestamps
// (PROTOCOL.md §2.4), checks permissions and preconditions, and makes the
// changes in its ListStore, which its owner commits.
//
// Not thread-safe: exactly one list actor owns a ListWriter.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "resource/context.h"
#include "resource/request_policy.h"
#include "ratchet/op.h"
#include "store/list_store.h"

namespace ratchet {

class ListWriter {
 public:
  ListWriter(Context& ctx, const ResourceType& type, std::string parent);
  ListWriter(const ListWriter&) = delete;
  ListWriter& operator=(const ListWriter&) = delete;

  // URIs of the objects `op` will delete that have children: their subtrees
  // must be closed to writers before `op` is applied. Empty when `op` is
  // not such a delete, or will be refused. Changes nothing. Both this and
  // apply throw NodeStopping when a plural delete's scan ends because the node
  // is stopping.
  std::vector<std::string> subtrees_to_close(const Op& op);
  // True when `op` walks the whole list, so it must see committed state
  // only: the owner commits the batch first.
  static bool needs_committed_state(const Op& op);

  // Applies one Op to the commit being built and returns its answer, to be
  // given once that commit is durable. Atomic: when it throws, the commit
  // being built is as before.
  Result apply(const Op& op);

  // The Op that has the writer of `list` (of a type fed_by_outbox) turn
  // the records `keys` of its outbox (none: every record) into objects;
  // only the server makes it.
  static Op outbox_op(const ListId& list, const std::vector<std::string>& keys);

  // True when the commit being built holds writes.
  bool dirty() const { return store_.dirty(); }
  // Hands over the commit being built; a new one starts. At most one sealed
  // commit may be uncommitted at a time.
  Commit seal() { return store_.seal(); }
  // The sealed commit is durable.
  void committed();
  // A commit failed: forgets every write not committed, reloads the list state.
  void abandon();

 private:
  // What a DELETE would do: its refusal, or the ids it removes.
  struct DeletePlan {
    Refusal refusal;
    std::vector<std::string> ids;
    std::string used_nonce;  // plural: the _token's nonce, redeemed when applied
    std::string next_token;  // plural: the page after, and its nonce
    std::string next_nonce;
    int64_t page_size = 0;
  };

  Result apply_op(const Op& op);
  DeletePlan plan_delete(const Op& op);
  // The parent step of the request policy (a records list whose
  // collection is gone).
  Refusal missing_parent();
  StoredObject load_object(const std::string& id);
  // The timestamp of a write (§2.4), keeping the client's value if given.
  int64_t stamp(std::optional<int64_t> client);
  // The client's timestamp to keep for a write on `existing`.
  static std::optional<int64_t> client_timestamp(const Op& op, const StoredObject& existing);
  // The preconditions step on object `id`. A 412 carries the object only
  // for a caller who may read it; others are refused instead.
  Refusal preconditions(const Op& op, const std::string& id, const StoredObject& existing) const;
  // The request policy for a change to object op.id (PATCH, DELETE of
  // one); with `author`, the hook step records the author.
  Refusal change_refusal(const Op& op, const StoredObject& existing, std::string* author);
  // The type's before_write hook run early, for callers who may create.
  Refusal refuse_by_type(const Op& op, const std::string& id, std::string* author);
  // The type's data check on what would be stored.
  Refusal check_data(const std::string& data) const;
  // The parent and further ancestors of this list's objects, as stored.
  std::vector<StoredAncestor> stored_ancestors() const;
  // Tells the registry's write listeners of a write just made, posting
  // to outboxes what they ask.
  void announce(const Op& op, const char* action, const std::string& id, const std::string& text,
                const std::string& acl);
  // Turns records of this list's outbox into objects (outbox_op).
  Result consume_outbox(const Op& op);
  // What will be stored as object `id`'s data: checked, processed and
  // validated by the type's check, process and validators.
  Refusal prepare(const std::string& id, std::string& data, const StoredObject& existing) const;
  // A generated id no object has.
  std::string new_id();
  // The type's before_write hook: the author to record, or a refusal.
  Refusal author_of(const Op& op, const std::string& id, std::string* author) const;
  std::string acl_with_author(const std::string& author, Json acl) const;
  std::string processed(const std::string& data, const StoredObject& old) const;
  // The answer to a write: the object and its new ACL.
  Result object_result(int status, const Op& op, const std::string& author,
                       const std::string& text, int64_t ts, const std::string& acl) const;

  Result assign_timestamp();
  Result create(const Op& op);
  Result put(const Op& op);
  Result patch(const Op& op);
  Result delete_object(const Op& op);
  Result delete_list(const Op& op);

  Context& ctx_;
  const ResourceType& type_;
  const std::string parent_;
  const bool has_children_;
  ListStore store_;
  bool parent_seen_ = false;
};

}  // namespace ratchet
