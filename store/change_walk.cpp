#include "store/change_walk.h"

#include "store/keys.h"

namespace ratchet {

ChangeWalk::ChangeWalk(const Snapshot& snapshot, const std::string& lp,
                       const std::optional<PagePosition>& after)
    : lp_size_(lp.size()) {
  std::string end = after ? keys::change(lp, after->last_modified, after->id) : keys::change_end(lp);
  cursor_ = snapshot.scan(keys::change_begin(lp), end, /*reverse=*/true);
}

int64_t ChangeWalk::last_modified() const {
  return keys::parse_change(cursor_->key(), lp_size_).first;
}

std::string_view ChangeWalk::id() const {
  return keys::parse_change(cursor_->key(), lp_size_).second;
}

}  // namespace ratchet
