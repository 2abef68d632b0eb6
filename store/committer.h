// Where a list writer's commits go to become durable: this node's store
// (actors/commit_pool.h), or in a cluster the shard's log, durable on every
// in-sync copy (cluster/primary.h).
//
// Thread-safety: submit() from any thread.
#pragma once

#include <functional>
#include <future>

#include "store/commit.h"

namespace ratchet {

class Committer {
 public:
  virtual ~Committer() = default;
  // The future tells whether `commit` is durable where it must be; when it
  // is ready, this node's store holds all of the commit or none of it (on
  // false the caller reads the store again). `done` runs once it is ready,
  // on any thread.
  virtual std::shared_future<bool> submit(Commit commit, std::function<void()> done) = 0;
};

}  // namespace ratchet
