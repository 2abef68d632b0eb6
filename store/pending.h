// The key writes of one list that are not yet durable, readable as if they had
// been applied: reads see the batch being built first, then the batch being
// committed (at most one), then a snapshot of the store. Used by a list's
// single writer, so that each write is evaluated against every write queued
// before it while the previous batch is still being made durable.
// Not thread-safe.
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
  void refresh() {
    base_ = engine_.snapshot();
    if (sealed_durable_) sealed_ = Layer{};  // the snapshot holds it now
    sealed_durable_ = false;
  }
  // The committed state alone, as of the last refresh().
  const Snapshot& base() const { return *base_; }

  bool get(std::string_view key, std::string* value) const override;
  void put(std::string key, std::string value);
  void del(std::string key);
  void del_range(std::string begin, std::string end);

  // A point in the batch being built; rollback() undoes every write made
  // after it (so that an Op that fails halfway leaves nothing behind).
  struct Mark {
    size_t undo_size;
  };
  Mark mark() const { return {undo_.size()}; }
  void rollback(const Mark& mark);
  // The batch being built becomes the batch being committed; it stays
  // readable until committed() or clear(). Requires none in flight.
  void seal();
  // The sealed batch is durable; it is read from the overlay until the next
  // refresh() reads it from the store.
  void committed() { sealed_durable_ = true; }
  // Forgets everything not committed.
  void clear();

 private:
  // Writes as a reader sees them: point writes win over range deletes.
  struct Layer {
    std::map<std::string, std::optional<std::string>, std::less<>> writes;
    std::vector<std::pair<std::string, std::string>> deleted_ranges;
    // 1: found (value set), 0: deleted, -1: not decided by this layer.
    int find(std::string_view key, std::string* value) const;
  };

  // How to undo one write to building_: the overlay entries it replaced or
  // erased (nullopt: there was none), and whether it added a deleted range.
  struct Undo {
    std::vector<std::pair<std::string, std::optional<std::optional<std::string>>>> writes;
    bool added_range = false;
  };
  void remember(const std::string& key, Undo& undo);

  Engine& engine_;
  std::unique_ptr<Snapshot> base_;
  Layer building_;
  Layer sealed_;
  bool sealed_durable_ = false;  // sealed_ is in the store, not yet in base_
  std::vector<Undo> undo_;  // one per write since the batch began
};

}  // namespace ratchet
