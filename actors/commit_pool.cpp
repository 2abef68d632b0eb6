#include "actors/commit_pool.h"

#include <spdlog/spdlog.h>

namespace ratchet {

CommitPool::CommitPool(Engine& engine, bool sync, int threads) : engine_(engine), sync_(sync) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

CommitPool::~CommitPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

std::shared_future<bool> CommitPool::submit(Commit commit, std::function<void()> done) {
  Job job{std::move(commit), {}, std::move(done)};
  std::shared_future<bool> result = job.result.get_future().share();
  {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
  return result;
}

void CommitPool::run() {
  while (true) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    bool ok = true;
    try {
      engine_.write(encode(job.commit), sync_);
    } catch (const std::exception& e) {
      spdlog::error("commit failed: {}", e.what());
      ok = false;
    }
    job.result.set_value(ok);
    if (job.done) job.done();
  }
}

}  // namespace ratchet
