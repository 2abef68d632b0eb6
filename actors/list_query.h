// Runs a Query over one list of a snapshot: a page of objects (and
// tombstones when the query asks for them) or a count.
//
// Cost: the walk covers only the modification index between the query's
// last_modified bounds (_since, _before, ...). In the index's own order
// (sort by last_modified) it stops after one page; another sort keeps the
// best page in a bounded heap, so it reads every object in the bounds.
// Objects are parsed only when a filter, sort or _fields needs more than
// id and last_modified.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/query.h"
#include "store/engine.h"

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

// Holds references: the snapshot and the query must outlive it.
class ListQuery {
 public:
  // Whether an object (by id) may be listed for the caller.
  using Visible = std::function<bool(std::string_view id)>;

  ListQuery(const Snapshot& snapshot, std::string lp, const Query& query, Visible visible);
  // Restricted to the objects `ids` (those a caller holds a permission on,
  // from the permission index): costs what they number, not the list.
  ListQuery(const Snapshot& snapshot, std::string lp, const Query& query,
            std::vector<std::string> ids);

  ListQuery(const ListQuery&) = delete;
  ListQuery& operator=(const ListQuery&) = delete;

  // One page of at most `limit` entries; tombstones only when
  // `tombstones` (and the query's filters allow them).
  ListPage page(int64_t limit, bool tombstones);
  // Live objects matching the filters, ignoring pagination.
  int64_t count();

 private:
  struct Candidate {
    SortValues key;
    ListEntry entry;
  };
  // Reads an entry; false when the filters reject it.
  bool load(std::string_view id, int64_t ts, bool deleted, Candidate* out);
  bool needs_body() const;
  // Calls visit(id, last_modified, deleted) for every entry within the
  // query's time bounds, in index order unless restricted to ids, until it
  // returns false.
  template <class Visit>
  void each(bool reverse, const std::optional<std::pair<int64_t, std::string>>& resume,
            Visit visit);

  const Snapshot& snapshot_;
  const std::string lp_;
  const Query& query_;
  Visible visible_;
  std::optional<std::vector<std::string>> ids_;
  const bool needs_body_;
  std::optional<SortValues> after_;
};

}  // namespace ratchet
