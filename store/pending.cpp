#include "store/pending.h"

namespace ratchet {

bool Pending::get(std::string_view key, std::string* value) const {
  auto it = overlay_.find(key);
  if (it != overlay_.end()) {
    if (!it->second) return false;
    *value = *it->second;
    return true;
  }
  for (const auto& [begin, end] : deleted_ranges_) {
    if (key >= begin && key < end) return false;
  }
  return base_->get(key, value);
}

void Pending::put(std::string key, std::string value) {
  overlay_[key] = value;
  batch_.put(std::move(key), std::move(value));
}

void Pending::del(std::string key) {
  overlay_[key] = std::nullopt;
  batch_.del(std::move(key));
}

void Pending::del_range(std::string begin, std::string end) {
  overlay_.erase(overlay_.lower_bound(begin), overlay_.lower_bound(end));
  deleted_ranges_.emplace_back(begin, end);
  batch_.del_range(std::move(begin), std::move(end));
}

void Pending::clear() {
  batch_.clear();
  overlay_.clear();
  deleted_ranges_.clear();
}

}  // namespace ratchet
