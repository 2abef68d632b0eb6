#include "cluster/recent_log.h"

namespace ratchet {

void RecentLog::reset(int64_t seq) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.clear();
  bytes_ = 0;
  last_ = seq;
}

void RecentLog::append(const LogEntry& entry) {
  std::lock_guard<std::mutex> lock(mu_);
  if (entry.seq != last_ + 1) {
    entries_.clear();
    bytes_ = 0;
  }
  entries_.push_back(entry);
  bytes_ += static_cast<int64_t>(entry.commit.size());
  last_ = entry.seq;
  // The newest entry stays, whatever its size.
  while (bytes_ > max_bytes_ && entries_.size() > 1) {
    bytes_ -= static_cast<int64_t>(entries_.front().commit.size());
    entries_.pop_front();
  }
}

std::optional<std::vector<LogEntry>> RecentLog::after(int64_t seq) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (seq == last_) return std::vector<LogEntry>{};
  if (seq > last_ || entries_.empty() || seq + 1 < entries_.front().seq) return std::nullopt;
  return std::vector<LogEntry>(entries_.begin() + (seq + 1 - entries_.front().seq), entries_.end());
}

}  // namespace ratchet
