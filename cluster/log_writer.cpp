#include "cluster/log_writer.h"

#include <spdlog/spdlog.h>

#include "store/commit_codec.h"

namespace ratchet {

LogWriter::LogWriter(Engine& engine, bool sync, Hooks hooks)
    : engine_(engine), sync_(sync), hooks_(std::move(hooks)), thread_([this] { run(); }) {}

LogWriter::~LogWriter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void LogWriter::append(LogEntry entry) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.emplace_back(std::move(entry));
  }
  cv_.notify_one();
}

void LogWriter::write(Batch batch, std::function<void(bool)> done) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.emplace_back(Raw{std::move(batch), std::move(done)});
  }
  cv_.notify_one();
}

void LogWriter::run() {
  while (true) {
    std::deque<Job> jobs;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;
      jobs.swap(jobs_);
    }
    while (!jobs.empty()) {
      if (auto* raw = std::get_if<Raw>(&jobs.front())) {
        write_raw(*raw);
        jobs.pop_front();
      } else {
        write_entries(jobs);
      }
    }
  }
}

// Writes the entries at the front of `jobs`, up to the next raw batch.
void LogWriter::write_entries(std::deque<Job>& jobs) {
  Batch batch;
  LogPosition last;
  bool membership = false;
  bool bad = false;
  while (!jobs.empty() && std::holds_alternative<LogEntry>(jobs.front())) {
    const LogEntry& e = std::get<LogEntry>(jobs.front());
    auto commit = commit_from_bytes(e.commit);
    if (!commit) {
      spdlog::error("replication: entry {}:{} is not a commit", e.epoch, e.seq);
      bad = true;
    } else {
      encode(*commit, batch);
      membership = membership || changes_membership(*commit);
      last = e.position();
    }
    jobs.pop_front();
  }
  if (broken_) return;
  if (bad) {
    broken_ = true;
    return;
  }
  record_position(batch, last);
  try {
    engine_.write(batch, sync_);
  } catch (const std::exception& e) {
    spdlog::error("replication: writing entries up to {}:{} failed: {}", last.epoch, last.seq,
                  e.what());
    broken_ = true;
    return;
  }
  if (membership && hooks_.membership_changed) hooks_.membership_changed();
  if (hooks_.durable) hooks_.durable(last);
}

void LogWriter::write_raw(Raw& raw) {
  bool ok = !broken_;
  if (ok) {
    try {
      engine_.write(raw.batch, sync_);
    } catch (const std::exception& e) {
      spdlog::error("replication: writing a copied batch failed: {}", e.what());
      ok = false;
    }
  }
  if (raw.done) raw.done(ok);
}

}  // namespace ratchet
