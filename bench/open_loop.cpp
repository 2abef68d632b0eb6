#include "bench/open_loop.h"

#include <cmath>
#include <stdexcept>

namespace bench {

OpenLoopSchedule::OpenLoopSchedule(double rate, Clock::time_point start)
    : period_ns_(1e9 / rate), start_(start) {
  if (!(rate > 0) || !std::isfinite(rate)) throw std::invalid_argument("rate must be positive");
}

OpenLoopSchedule OpenLoopSchedule::share(double total_rate, int workers, int index,
                                         Clock::time_point start) {
  if (workers < 1 || index < 0 || index >= workers) throw std::invalid_argument("bad worker index");
  auto offset = std::chrono::nanoseconds(static_cast<int64_t>(std::llround(1e9 / total_rate * index)));
  return OpenLoopSchedule(total_rate / workers, start + offset);
}

Clock::time_point OpenLoopSchedule::intended(uint64_t k) const {
  return start_ + std::chrono::nanoseconds(
                      static_cast<int64_t>(std::llround(period_ns_ * static_cast<double>(k))));
}

std::optional<Clock::time_point> OpenLoopSchedule::next_due(Clock::time_point now) {
  Clock::time_point t = intended(next_);
  if (t > now) return std::nullopt;
  ++next_;
  return t;
}

}  // namespace bench
