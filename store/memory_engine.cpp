#include "store/memory_engine.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <iterator>
#include <map>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <vector>

namespace ratchet {
namespace {

struct Version {
  uint64_t seq;
  bool live;  // false: a tombstone
  std::string value;
};
using Versions = std::vector<Version>;  // ascending seq
using Map = std::map<std::string, Versions, std::less<>>;

// Keys the incremental sweep looks at per write().
constexpr int kSweepPerWrite = 16;

// The value of the newest version with seq <= `seq`, or nullptr when the key
// is absent at `seq`.
const std::string* visible(const Versions& vs, uint64_t seq) {
  for (auto it = vs.rbegin(); it != vs.rend(); ++it) {
    if (it->seq <= seq) return it->live ? &it->value : nullptr;
  }
  return nullptr;
}

}  // namespace

struct MemoryEngine::State {
  std::shared_mutex mu;
  Map data;                // guarded by mu
  uint64_t last_seq = 0;   // last committed batch; guarded by mu
  std::string sweep_from;  // where the next sweep starts; guarded by mu

  std::mutex pins_mu;
  std::multiset<uint64_t> pins;  // seqs of live snapshots; guarded by pins_mu

  // The oldest seq anyone can still read at. Caller holds mu exclusively, so
  // no snapshot older than this can be created meanwhile.
  uint64_t horizon() {
    std::lock_guard<std::mutex> l(pins_mu);
    return pins.empty() ? last_seq : std::min(*pins.begin(), last_seq);
  }

  // Drops the versions of `it` older than the newest one at or below
  // `horizon`; erases the key when nothing but an unreadable tombstone (or
  // nothing at all) is left. Returns the next key. Caller holds mu
  // exclusively. Does not throw.
  Map::iterator prune(Map::iterator it, uint64_t horizon) {
    Versions& vs = it->second;
    size_t keep = 0;  // index of the newest version <= horizon
    while (keep + 1 < vs.size() && vs[keep + 1].seq <= horizon) ++keep;
    if (keep > 0) vs.erase(vs.begin(), vs.begin() + keep);
    if (vs.empty() || (vs.size() == 1 && !vs[0].live && vs[0].seq <= horizon)) {
      return data.erase(it);
    }
    return std::next(it);
  }
};

namespace {

using State = MemoryEngine::State;

// Keeps a sequence number readable: registered in State::pins while alive.
struct Pin {
  explicit Pin(std::shared_ptr<State> s) : state(std::move(s)) {}
  ~Pin() {
    if (!registered) return;
    std::lock_guard<std::mutex> l(state->pins_mu);
    state->pins.erase(state->pins.find(seq));
  }
  std::shared_ptr<State> state;
  uint64_t seq = 0;
  bool registered = false;
};

class MemoryCursor : public Cursor {
 public:
  MemoryCursor(std::shared_ptr<Pin> pin, std::string_view begin,
               std::string_view end, bool reverse)
      : pin_(std::move(pin)), begin_(begin), end_(end), reverse_(reverse) {
    step(/*first=*/true);
  }
  bool valid() const override { return valid_; }
  void next() override {
    if (valid_) step(/*first=*/false);
  }
  std::string_view key() const override { return key_; }
  std::string_view value() const override { return value_; }

 private:
  // Moves to the first visible key in range past key_ (or the first one at
  // all when `first`). Re-seeks by key: no iterator outlives the lock.
  void step(bool first) {
    std::shared_lock<std::shared_mutex> lock(pin_->state->mu);
    const Map& m = pin_->state->data;
    if (!reverse_) {
      auto it = first ? m.lower_bound(begin_) : m.upper_bound(key_);
      for (; it != m.end() && it->first < end_; ++it) {
        if (land(*it)) return;
      }
    } else {
      auto it = m.lower_bound(first ? end_ : key_);
      while (it != m.begin()) {
        --it;
        if (it->first < begin_) break;
        if (land(*it)) return;
      }
    }
    valid_ = false;
  }
  bool land(const Map::value_type& kv) {
    const std::string* v = visible(kv.second, pin_->seq);
    if (v == nullptr) return false;
    key_ = kv.first;
    value_ = *v;
    valid_ = true;
    return true;
  }

  std::shared_ptr<Pin> pin_;
  const std::string begin_, end_;
  const bool reverse_;
  bool valid_ = false;
  std::string key_, value_;
};

class MemorySnapshot : public Snapshot {
 public:
  explicit MemorySnapshot(std::shared_ptr<Pin> pin) : pin_(std::move(pin)) {}
  bool get(std::string_view key, std::string* value) const override {
    std::shared_lock<std::shared_mutex> lock(pin_->state->mu);
    const Map& m = pin_->state->data;
    auto it = m.find(key);
    if (it == m.end()) return false;
    const std::string* v = visible(it->second, pin_->seq);
    if (v == nullptr) return false;
    if (value != nullptr) *value = *v;
    return true;
  }
  std::unique_ptr<Cursor> scan(std::string_view begin, std::string_view end,
                               bool reverse) const override {
    return std::make_unique<MemoryCursor>(pin_, begin, end, reverse);
  }

 private:
  std::shared_ptr<Pin> pin_;  // shared with cursors: they keep the seq pinned
};

}  // namespace

MemoryEngine::MemoryEngine() : state_(std::make_shared<State>()) {}
MemoryEngine::~MemoryEngine() = default;

std::unique_ptr<Snapshot> MemoryEngine::snapshot() {
  auto pin = std::make_shared<Pin>(state_);
  auto snap = std::make_unique<MemorySnapshot>(pin);
  // Shared mu: no write() (and so no pruning) between reading last_seq and
  // registering the pin.
  std::shared_lock<std::shared_mutex> lock(state_->mu);
  std::lock_guard<std::mutex> l(state_->pins_mu);
  pin->seq = state_->last_seq;
  state_->pins.insert(pin->seq);
  pin->registered = true;
  return snap;
}

void MemoryEngine::write(const Batch& batch, bool /*sync*/) {
  State& s = *state_;
  std::unique_lock<std::shared_mutex> lock(s.mu);
  const uint64_t seq = s.last_seq + 1;

  // Each key gets at most one version at `seq`; `touched` lists those keys
  // once each, for rollback and pruning.
  std::vector<Map::iterator> touched;
  auto set = [&](Map::iterator it, const std::string* value) {
    Versions& vs = it->second;
    if (vs.empty() || vs.back().seq != seq) {
      touched.push_back(it);
      vs.push_back({seq, false, {}});
    }
    Version& v = vs.back();
    v.live = value != nullptr;
    v.value = value != nullptr ? *value : std::string();
  };

  try {
    for (const Batch::Entry& e : batch.entries()) {
      switch (e.kind) {
        case Batch::Kind::kPut:
          set(s.data.try_emplace(e.key).first, &e.value);
          break;
        case Batch::Kind::kDelete: {
          auto it = s.data.find(e.key);
          if (it != s.data.end() && visible(it->second, seq)) set(it, nullptr);
          break;
        }
        case Batch::Kind::kDeleteRange:
          for (auto it = s.data.lower_bound(e.key);
               it != s.data.end() && it->first < e.value; ++it) {
            if (visible(it->second, seq)) set(it, nullptr);
          }
          break;
      }
    }
  } catch (...) {
    // Nothing is visible yet (last_seq unchanged): undo and report.
    for (Map::iterator it : touched) {
      Versions& vs = it->second;
      if (!vs.empty() && vs.back().seq == seq) vs.pop_back();
      if (vs.empty()) s.data.erase(it);
    }
    throw StoreError("memory engine: write failed (out of memory?)");
  }
  s.last_seq = seq;  // commit

  // Garbage collection; nothing below throws except the string copy.
  const uint64_t horizon = s.horizon();
  for (Map::iterator it : touched) s.prune(it, horizon);
  if (s.data.empty()) return;
  auto it = s.data.lower_bound(s.sweep_from);
  for (int n = 0; n < kSweepPerWrite && !s.data.empty(); ++n) {
    if (it == s.data.end()) it = s.data.begin();
    it = s.prune(it, horizon);
  }
  try {
    s.sweep_from = it == s.data.end() ? std::string() : it->first;
  } catch (...) {
    s.sweep_from.clear();  // committed already; the sweep just restarts
  }
}

}  // namespace ratchet
