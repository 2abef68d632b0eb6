#include "cluster/replica.h"

#include <spdlog/spdlog.h>

namespace ratchet {
namespace {

constexpr auto kJoinEvery = std::chrono::milliseconds(300);
constexpr auto kStalled = std::chrono::seconds(3);

}  // namespace

Replica::Replica(std::string self, LogWriter& writer, RecentLog& log, Transport& transport,
                 LogPosition position, std::function<void()> membership_changed)
    : self_(std::move(self)),
      writer_(writer),
      log_(log),
      transport_(transport),
      membership_changed_(std::move(membership_changed)),
      queued_(position),
      durable_(position) {}

void Replica::follow(const std::string& primary, int64_t epoch) {
  std::lock_guard<std::mutex> lock(mu_);
  if (epoch < epoch_ || (epoch == epoch_ && primary == primary_)) return;
  primary_ = primary;
  epoch_ = epoch;
  if (copying_) {
    start_copy_locked();  // the old primary's copy session is gone
  } else {
    join_locked(Clock::now());
  }
}

void Replica::freeze(int64_t epoch) {
  std::lock_guard<std::mutex> lock(mu_);
  frozen_ = std::max(frozen_, epoch);
}

void Replica::reset(LogPosition position) {
  std::lock_guard<std::mutex> lock(mu_);
  queued_ = durable_ = position;
}

void Replica::tick(Clock::time_point now, bool in_sync) {
  std::lock_guard<std::mutex> lock(mu_);
  if (primary_.empty() || primary_ == self_ || now - last_heard_ < kStalled) return;
  if (copying_) {
    spdlog::warn("replication: the copy from {} stalled; starting it again", primary_);
    start_copy_locked();
  } else if (!in_sync || queued_ != durable_) {
    join_locked(now);
  }
}

bool Replica::current(const std::string& from, int64_t epoch) {
  if (epoch <= frozen_ || epoch < epoch_) return false;
  if (epoch > epoch_) {  // only the primary of an epoch speaks for it
    epoch_ = epoch;
    primary_ = from;
  }
  return from == primary_;
}

void Replica::on_entries(const std::string& from, int64_t epoch, std::vector<LogEntry> entries) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!current(from, epoch) || copying_) return;
  auto now = Clock::now();
  last_heard_ = now;
  for (auto& e : entries) {
    if (e.seq <= queued_.seq) continue;
    if (e.seq != queued_.seq + 1) {
      if (now - last_join_ >= kJoinEvery) join_locked(now);
      return;
    }
    queued_ = e.position();
    log_.append(e);
    writer_.append(std::move(e));
  }
}

void Replica::on_durable(LogPosition position) {
  std::lock_guard<std::mutex> lock(mu_);
  durable_ = std::max(durable_, position);
  if (!primary_.empty() && primary_ != self_) transport_.ack(primary_, epoch_, position.seq);
}

void Replica::on_copy_needed(const std::string& from, int64_t epoch) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!current(from, epoch)) return;
  spdlog::warn("replication: this store is not a prefix of {}'s log; copying its store", from);
  start_copy_locked();
}

void Replica::start_copy_locked() {
  copying_ = true;
  uint64_t generation = ++copy_generation_;
  last_heard_ = Clock::now();
  Batch wipe;
  wipe.del_range(std::string(), std::string(8, '\xff'));
  record_copy_started(wipe);
  writer_.write(std::move(wipe), [this, generation](bool ok) {
    std::lock_guard<std::mutex> lock(mu_);
    if (ok && generation == copy_generation_) transport_.copy_request(primary_, epoch_, "");
  });
}

void Replica::on_copy_chunk(const std::string& from, int64_t epoch, std::vector<std::string> pairs,
                            bool last, LogPosition position) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!current(from, epoch) || !copying_ || pairs.size() % 2) return;
  last_heard_ = Clock::now();
  std::string after = pairs.empty() ? std::string() : pairs[pairs.size() - 2];
  Batch batch;
  for (size_t i = 0; i < pairs.size(); i += 2) batch.put(std::move(pairs[i]), std::move(pairs[i + 1]));
  if (last) record_position(batch, position);
  uint64_t generation = copy_generation_;
  writer_.write(std::move(batch), [this, generation, last, position, after](bool ok) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!ok || generation != copy_generation_) return;
    if (!last) {
      transport_.copy_request(primary_, epoch_, after);
      return;
    }
    copying_ = false;
    queued_ = durable_ = position;
    log_.reset(position.seq);
    if (membership_changed_) membership_changed_();
    spdlog::info("replication: copied {}'s store, at {}:{}", primary_, position.epoch,
                 position.seq);
    join_locked(Clock::now());
  });
}

void Replica::join_locked(Clock::time_point now) {
  last_join_ = now;
  if (primary_.empty() || primary_ == self_) return;
  transport_.join(primary_, epoch_, durable_);
}

LogPosition Replica::durable() const {
  std::lock_guard<std::mutex> lock(mu_);
  return durable_;
}

bool Replica::settled() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queued_ == durable_ && !copying_;
}

}  // namespace ratchet
