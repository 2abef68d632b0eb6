// Reads of one list. A ListView reads single objects and the list's state
// from any Reader (a snapshot, or a list writer's Pending overlay); a
// ListReader also walks the list, so it needs a snapshot.
//
// Not thread-safe; holds a reference to its Reader, which must outlive it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/list_id.h"
#include "store/change_walk.h"
#include "store/engine.h"

namespace ratchet {

// A live object as stored: its text as served ({"id":..,"last_modified":..,
// <data fields>}), its last_modified and its ACL (JSON text; "" for
// objects of per-user types, which carry none).
struct StoredObject {
  bool exists = false;
  std::string text;
  int64_t ts = 0;
  std::string acl;
};

class ListView {
 public:
  ListView(const Reader& reader, ListId list);

  const ListId& list() const { return list_; }
  // The live object `id` (exists false when there is none).
  StoredObject get(std::string_view id) const;
  // The stored text of the live object `id`; false when there is none.
  bool text(std::string_view id, std::string* text) const;
  // The ACL of the live object `id`; false when there is none.
  bool acl(std::string_view id, std::string* acl) const;
  // The last_modified of the tombstone of `id`, if the list holds one.
  std::optional<int64_t> tombstone(std::string_view id) const;
  // The list timestamp, 0 until one was assigned.
  int64_t timestamp() const;
  // The number of live objects.
  int64_t count() const;

 protected:
  const Reader& reader_;
  const ListId list_;
  const std::string lp_;  // the list's key prefix
};

class ListReader : public ListView {
 public:
  ListReader(const Snapshot& snapshot, ListId list);

  // The modification index between inclusive last_modified bounds, in
  // order or reversed, optionally resuming after a position.
  ChangeWalk changes(bool reverse, int64_t min_ts = INT64_MIN, int64_t max_ts = INT64_MAX,
                     const std::optional<ChangeWalk::Position>& after = std::nullopt) const;
  // Calls visit(id, text) for every live object in id order until it
  // returns false.
  void each_object(const std::function<bool(std::string_view id, std::string_view text)>& visit) const;
  // Ids of the objects whose URI is `uri_prefix` + id and on which one of
  // `principals` holds one of `perms` (any permission when empty), from the
  // permission index checked against each ACL. Sorted.
  std::vector<std::string> granted_ids(const std::string& uri_prefix,
                                       const std::vector<std::string>& principals,
                                       const std::vector<std::string_view>& perms) const;

 private:
  const Snapshot& snapshot_;
};

// The indexes outside lists, over a snapshot.
// URIs of the groups whose members include `member`, in URI order.
std::vector<std::string> groups_of(const Snapshot& snapshot, std::string_view member);
// Calls visit(uri) for every object whose ACL may name `principal` (the
// permission index: candidates, to be checked against the ACL) whose URI
// starts with `uri_prefix`, in URI order, until it returns false.
void each_granted_uri(const Snapshot& snapshot, std::string_view principal,
                      std::string_view uri_prefix,
                      const std::function<bool(std::string_view uri)>& visit);

}  // namespace ratchet
