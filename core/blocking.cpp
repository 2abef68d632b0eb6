#include "core/blocking.h"

namespace ratchet {
namespace {

thread_local BlockingHook* t_hook = nullptr;
thread_local int t_depth = 0;

}  // namespace

void set_blocking_hook(BlockingHook* hook) { t_hook = hook; }

BlockingWait::BlockingWait() {
  if (t_depth++ == 0 && t_hook) t_hook->enter();
}

BlockingWait::~BlockingWait() { --t_depth; }

}  // namespace ratchet
