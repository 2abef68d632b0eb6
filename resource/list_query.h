// Runs a Query over one list of a snapshot: a page of objects (and
// tombstones when the query asks for them) or a count.
//
// Cost: the walk covers only the modification index between the query's
// last_modified bounds (_since, _before, ...). In the index's own order
// (sort by last_modified) it stops after one page; another sort keeps the
// best page in a bounded heap, so it reads every object in the bounds.
// Objects are parsed only when a filter, sort or _fields needs more than
// id and last_modified. Memory: the objects of one page.
//
// A scan ends at the next entry, throwing NodeStopping, once the node is
// stopping. A long scan lets other requests have the HTTP loop meanwhile.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/blocking.h"
#include "core/query.h"
#include "resource/failure.h"
#include "store/list_reader.h"

namespace ratchet {

struct ListEntry {
  std::string id;
  std::string text;  // as served (projected by _fields)
};

struct ListPage {
  std::vector<ListEntry> entries;
  std::string next_token;  // empty on the last page
  std::string next_nonce;  // the nonce inside next_token
};

// Holds references: the list, the query and `stopping` must outlive it.
class ListQuery {
 public:
  // Whether an object (by id) may be listed for the caller.
  using Visible = std::function<bool(std::string_view id)>;

  // The scans end (NodeStopping) once `stopping` is set.
  ListQuery(const ListReader& list, const Query& query, Visible visible,
            const std::atomic<bool>& stopping);
  // Restricted to the objects `ids` (those a caller holds a permission on,
  // from the permission index): costs what they number, not the list.
  ListQuery(const ListReader& list, const Query& query, std::vector<std::string> ids,
            const std::atomic<bool>& stopping);

  ListQuery(const ListQuery&) = delete;
  ListQuery& operator=(const ListQuery&) = delete;

  // One page of at most `limit` (>= 1) entries; tombstones only when
  // `tombstones` (and the query's filters allow them).
  ListPage page(int64_t limit, bool tombstones);
  // Live objects matching the filters, ignoring pagination.
  int64_t count();

 private:
  struct Candidate {
    // What `key` points into: the parsed object, or its id and
    // last_modified. On the heap, so that moving a Candidate keeps `key`
    // valid. Null until key() is called on the common page.
    std::unique_ptr<const Json> object;
    SortValues key;
    ListEntry entry;
    int64_t ts = 0;
  };
  // Reads an entry; false when the filters reject it.
  bool load(std::string_view id, int64_t ts, bool deleted, Candidate* out);
  // The sort values of a candidate.
  const SortValues& key(Candidate& c) const;
  bool needs_body() const;
  // Whether the walk yields the query's order (restricted to ids, the order
  // is unknown: the best are kept in a heap).
  bool in_index_order() const { return query_.index_order() && !ids_; }
  // Called at every entry: throws NodeStopping once the node is stopping (a
  // relaxed load costs nothing next to reading an entry), and past a few
  // hundred entries marks the scan as a long wait (core/blocking.h), so that
  // it does not hold one of the HTTP loop's few turns.
  void step();
  // Calls visit(id, last_modified, deleted) for every entry within the
  // query's time bounds, in index order unless restricted to ids, until it
  // returns false.
  template <class Visit>
  void each(bool reverse, const std::optional<std::pair<int64_t, std::string>>& resume,
            Visit visit);

  const ListReader& list_;
  const Query& query_;
  Visible visible_;
  std::optional<std::vector<std::string>> ids_;
  const std::atomic<bool>& stopping_;
  size_t steps_ = 0;
  std::optional<BlockingWait> long_scan_;
  const bool needs_body_;
  std::optional<SortValues> after_;
};

}  // namespace ratchet
