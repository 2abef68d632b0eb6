// Threads that commit list writes (store/commit.h), so that a list actor keeps applying
// writes while its previous batch is made durable (pipelined group commit).
// Actor threads wait on a commit only when a list actor closes or stops.
// Concurrent commits of different lists are grouped by the engine (RocksDB
// write groups share one fsync).
//
// Thread-safety: submit() from any thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "store/commit.h"
#include "store/committer.h"
#include "store/engine.h"

namespace ratchet {

class CommitPool : public Committer {
 public:
  CommitPool(Engine& engine, bool sync, int threads);
  ~CommitPool();  // finishes the queued commits

  // Writes `commit`; the future tells whether it is durable (false: the
  // engine failed, nothing was applied). `done` runs on a pool thread after
  // the future is ready.
  std::shared_future<bool> submit(Commit commit, std::function<void()> done) override;

 private:
  struct Job {
    Commit commit;
    std::promise<bool> result;
    std::function<void()> done;
  };
  void run();

  Engine& engine_;
  const bool sync_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace ratchet
