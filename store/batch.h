// A write batch: puts, deletes and range deletes applied in order, atomically,
// by Engine::write. A plain value, so it can be copied to replicas.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ratchet {

class Batch {
 public:
  enum class Kind : unsigned char { kPut, kDelete, kDeleteRange };
  struct Entry {
    Kind kind;
    std::string key;    // begin of the range for kDeleteRange
    std::string value;  // end of the range (exclusive) for kDeleteRange
  };

  void put(std::string key, std::string value) {
    entries_.push_back({Kind::kPut, std::move(key), std::move(value)});
  }
  void del(std::string key) {
    entries_.push_back({Kind::kDelete, std::move(key), {}});
  }
  // Deletes every key in [begin, end).
  void del_range(std::string begin, std::string end) {
    entries_.push_back({Kind::kDeleteRange, std::move(begin), std::move(end)});
  }

  const std::vector<Entry>& entries() const { return entries_; }
  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }
  void clear() { entries_.clear(); }

 private:
  std::vector<Entry> entries_;
};

}  // namespace ratchet
