// Walks a list's modification index from the newest change to the oldest,
// optionally starting just after a page position. Each step is one index
// entry, so a page costs what it returns, not the size of the list.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/page_token.h"
#include "store/engine.h"

namespace ratchet {

class ChangeWalk {
 public:
  ChangeWalk(const Snapshot& snapshot, const std::string& lp,
             const std::optional<PagePosition>& after);
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
