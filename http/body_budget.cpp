#include "http/body_budget.h"

#include <utility>

namespace ratchet {

bool BodyBudget::take(size_t n, std::function<void()> wake) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (n <= left_) {
    left_ -= n;
    return true;
  }
  waiting_.push_back(std::move(wake));
  return false;
}

void BodyBudget::give_back(size_t n) {
  if (n == 0) return;
  std::vector<std::function<void()>> woken;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    left_ += n;
    woken.swap(waiting_);
  }
  for (auto& wake : woken) wake();  // each tries again; who cannot waits again
}

}  // namespace ratchet
