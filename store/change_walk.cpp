#include "store/change_walk.h"

#include <algorithm>

#include "store/keys.h"

namespace ratchet {

ChangeWalk::ChangeWalk(const Snapshot& snapshot, const std::string& lp, bool reverse,
                       int64_t min_ts, int64_t max_ts, const std::optional<Position>& after)
    : lp_size_(lp.size()) {
  std::string begin =
      min_ts == INT64_MIN ? keys::change_begin(lp) : keys::change(lp, min_ts, "");
  std::string end = max_ts == INT64_MAX ? keys::change_end(lp) : keys::change(lp, max_ts + 1, "");
  if (after) {
    std::string at = keys::change(lp, after->first, after->second);
    if (reverse) {
      end = std::min(end, at);
    } else {
      begin = std::max(begin, at + '\0');
    }
  }
  if (end < begin) end = begin;
  cursor_ = snapshot.scan(begin, end, reverse);
}

int64_t ChangeWalk::last_modified() const {
  return keys::parse_change(cursor_->key(), lp_size_).first;
}

std::string_view ChangeWalk::id() const {
  return keys::parse_change(cursor_->key(), lp_size_).second;
}

}  // namespace ratchet
