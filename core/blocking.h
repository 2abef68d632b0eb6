// Long waits on a thread that takes turns with others at a shared loop.
// The HTTP listener runs its loop on a few threads at a time out of a
// larger pool; code that may wait long on such a thread (for a commit, an
// fsync, a password hash) marks the wait with a BlockingWait, and the pool
// lets another thread take its turn meanwhile. Elsewhere a BlockingWait
// does nothing.
//
// Thread-safety: hooks are per thread; a BlockingWait affects only its own.
#pragma once

namespace ratchet {

class BlockingHook {
 public:
  virtual ~BlockingHook() = default;
  // The calling thread is about to wait (called once for nested waits).
  virtual void enter() = 0;
};

// Installs `hook` for the calling thread (nullptr: none).
void set_blocking_hook(BlockingHook* hook);

class BlockingWait {
 public:
  BlockingWait();
  ~BlockingWait();
  BlockingWait(const BlockingWait&) = delete;
  BlockingWait& operator=(const BlockingWait&) = delete;
};

}  // namespace ratchet
