#include "cluster/primary.h"

#include <algorithm>

#include "store/commit_codec.h"

namespace ratchet {

Primary::Primary(Config config, int64_t last_seq, LogWriter& writer, RecentLog& log,
                 Transport& transport, std::function<bool()> lease_held)
    : config_(std::move(config)),
      writer_(writer),
      log_(log),
      transport_(transport),
      lease_held_(std::move(lease_held)),
      last_seq_(last_seq),
      durable_seq_(last_seq),
      in_sync_(config_.record.in_sync) {
  for (const auto& node : in_sync_) {
    if (node != config_.self) acked_.emplace(node, 0);
  }
}

std::shared_future<bool> Primary::submit(Commit commit, std::function<void()> done) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!accepting_locked()) {
    lock.unlock();
    std::promise<bool> refused;
    refused.set_value(false);
    if (done) done();
    return refused.get_future().share();
  }
  LogEntry entry{epoch(), ++last_seq_, commit_to_bytes(commit)};
  log_.append(entry);
  for (const auto& node : streamed_locked()) transport_.entries(node, epoch(), {entry});
  held_.push_back(Held{entry.seq, Clock::now(), {}, std::move(done)});
  auto result = held_.back().result.get_future().share();
  writer_.append(std::move(entry));
  return result;
}

bool Primary::accepting_locked() const {
  return !stopped_ && !writer_.broken() &&
         static_cast<int>(in_sync_.size()) >= config_.min_insync && lease_held_();
}

void Primary::on_ack(const std::string& from, int64_t seq) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = acked_.find(from);
  if (it == acked_.end()) return;  // not streamed to (copying, or unknown)
  it->second = std::max(it->second, seq);
  settle();
}

void Primary::on_local_durable(LogPosition position) {
  std::lock_guard<std::mutex> lock(mu_);
  durable_seq_ = std::max(durable_seq_, position.seq);
  settle();
}

void Primary::on_join(const std::string& from, LogPosition position) {
  std::lock_guard<std::mutex> lock(mu_);
  std::optional<std::vector<LogEntry>> tail;
  if (on_chain(config_.record, position)) tail = log_.after(position.seq);
  if (!tail) {
    catching_up_.erase(from);
    acked_.erase(from);
    transport_.copy_needed(from, epoch());
    return;
  }
  if (!tail->empty()) transport_.entries(from, epoch(), std::move(*tail));
  if (std::find(in_sync_.begin(), in_sync_.end(), from) == in_sync_.end()) {
    catching_up_.insert(from);
  }
  int64_t& acked = acked_[from];
  acked = std::max(acked, position.seq);
  settle();
}

std::vector<std::string> Primary::laggards(Clock::time_point now) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const Held& h : held_) {
    if (h.answered || now - h.sent < config_.replica_timeout) continue;
    for (const auto& node : in_sync_) {
      if (node == config_.self || std::find(out.begin(), out.end(), node) != out.end()) continue;
      auto it = acked_.find(node);
      if (it == acked_.end() || it->second < h.seq) out.push_back(node);
    }
    break;  // the oldest held entry decides
  }
  return out;
}

std::vector<std::string> Primary::caught_up() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& node : catching_up_) {
    auto it = acked_.find(node);
    if (it != acked_.end() && it->second >= last_seq_) out.push_back(node);
  }
  return out;
}

void Primary::set_in_sync(const std::vector<std::string>& in_sync) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& node : in_sync_) {
    if (std::find(in_sync.begin(), in_sync.end(), node) == in_sync.end() &&
        node != config_.self) {
      catching_up_.insert(node);  // still streamed to: it may come back
    }
  }
  in_sync_ = in_sync;
  for (const auto& node : in_sync_) {
    catching_up_.erase(node);
    if (node != config_.self) acked_.emplace(node, 0);
  }
  settle();
}

void Primary::expire(Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  bool lease = lease_held_();
  for (Held& h : held_) {
    if (!h.answered && h.seq <= durable_seq_ && (!lease || now - h.sent >= config_.answer_timeout)) {
      answer(h, false);
    }
  }
  settle();
}

void Primary::stop() {
  std::lock_guard<std::mutex> lock(mu_);
  stopped_ = true;
  settle();
}

std::vector<std::string> Primary::in_sync() const {
  std::lock_guard<std::mutex> lock(mu_);
  return in_sync_;
}

std::map<std::string, int64_t> Primary::acked() const {
  std::lock_guard<std::mutex> lock(mu_);
  return acked_;
}

std::map<std::string, std::chrono::milliseconds> Primary::waiting(Clock::time_point now) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, std::chrono::milliseconds> out;
  for (const auto& [node, acked] : acked_) {
    auto& wait = out[node];
    for (const Held& h : held_) {
      if (h.seq <= acked) continue;
      wait = std::chrono::duration_cast<std::chrono::milliseconds>(now - h.sent);
      break;
    }
  }
  return out;
}

int64_t Primary::last_seq() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_seq_;
}

bool Primary::acknowledged_everywhere(int64_t seq) const {
  if (static_cast<int>(in_sync_.size()) < config_.min_insync) return false;
  for (const auto& node : in_sync_) {
    if (node == config_.self) continue;
    auto it = acked_.find(node);
    if (it == acked_.end() || it->second < seq) return false;
  }
  return true;
}

void Primary::settle() {
  while (!held_.empty()) {
    Held& h = held_.front();
    if (!h.answered) {
      bool durable = h.seq <= durable_seq_;
      if (!durable && !writer_.broken()) return;
      if (stopped_ || !durable) {
        answer(h, false);
      } else if (acknowledged_everywhere(h.seq) && lease_held_()) {
        answer(h, true);
      } else {
        return;
      }
    }
    held_.pop_front();
  }
}

void Primary::answer(Held& h, bool ok) {
  h.answered = true;
  h.result.set_value(ok);
  if (h.done) h.done();
}

std::vector<std::string> Primary::streamed_locked() const {
  std::vector<std::string> out(catching_up_.begin(), catching_up_.end());
  for (const auto& node : in_sync_) {
    if (node != config_.self) out.push_back(node);
  }
  return out;
}

}  // namespace ratchet
