// Walks a list's modification index in timestamp order (or reverse), within
// inclusive bounds on last_modified, optionally resuming just after a
// (timestamp, id) position. Each step is one index entry, so a page costs
// what it returns, not the size of the list.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "store/engine.h"

namespace ratchet {

class ChangeWalk {
 public:
  using Position = std::pair<int64_t, std::string>;  // (last_modified, id)

  // `lp`: the list's key prefix (see ListReader::changes).
  ChangeWalk(const Snapshot& snapshot, const std::string& lp, bool reverse,
             int64_t min_ts = INT64_MIN, int64_t max_ts = INT64_MAX,
             const std::optional<Position>& after = std::nullopt);
  bool valid() const { return cursor_->valid(); }
  void next() { cursor_->next(); }
  int64_t last_modified() const;
  std::string_view id() const;
  bool deleted() const { return cursor_->value() == "d"; }

 private:
  size_t lp_size_;
  std::unique_ptr<Cursor> cursor_;
};

}  // namespace ratchet
