#include "cluster/copier.h"

#include "store/log_position.h"

namespace ratchet {

void Copier::on_request(const std::string& to, int64_t epoch, const std::string& after) {
  std::shared_ptr<Snapshot> snapshot;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto& slot = copies_[to];
    if (after.empty() || !slot) slot = std::shared_ptr<Snapshot>(engine_.snapshot());
    snapshot = slot;
  }
  std::string begin = after.empty() ? std::string() : after + '\0';
  auto cursor = snapshot->scan(begin, std::string(8, '\xff'), false);
  std::vector<std::string> pairs;
  size_t bytes = 0;
  for (; cursor->valid() && bytes < chunk_bytes_; cursor->next()) {
    pairs.emplace_back(cursor->key());
    pairs.emplace_back(cursor->value());
    bytes += cursor->key().size() + cursor->value().size();
  }
  bool last = !cursor->valid();
  LogPosition position;
  if (last) {
    position = recorded_position(*snapshot).value_or(LogPosition{});
    std::lock_guard<std::mutex> lock(mu_);
    if (copies_[to] == snapshot) copies_.erase(to);
  }
  transport_.copy_chunk(to, epoch, std::move(pairs), last, position);
}

}  // namespace ratchet
