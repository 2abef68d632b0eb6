// A batch under construction, readable as if it had been applied: reads see
// the batch's own puts and deletes first, then a snapshot of the store.
// Used by a list's single writer to evaluate each write against the writes
// queued before it in the same group commit. Not thread-safe.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/engine.h"

namespace ratchet {

class Pending : public Reader {
 public:
  explicit Pending(Engine& engine) : engine_(engine) {}

  // Reads now see every write committed before this call.
  void refresh() { base_ = engine_.snapshot(); }

  bool get(std::string_view key, std::string* value) const override;
  void put(std::string key, std::string value);
  void del(std::string key);
  void del_range(std::string begin, std::string end);

  bool empty() const { return batch_.empty(); }
  const Batch& batch() const { return batch_; }
  // Forgets the batch (after it was committed, or abandoned).
  void clear();

 private:
  Engine& engine_;
  std::unique_ptr<Snapshot> base_;
  Batch batch_;
  std::map<std::string, std::optional<std::string>, std::less<>> overlay_;
  std::vector<std::pair<std::string, std::string>> deleted_ranges_;
};

}  // namespace ratchet
