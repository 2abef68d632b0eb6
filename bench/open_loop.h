// The open-loop schedule: request k is meant to be sent at
// start + offset + k / rate, whatever happened to the requests before it.
// Latency is measured from that intended time, so a server that stalls is
// charged for the requests that queued behind the stall (no coordinated
// omission). Times are computed from k, never accumulated, so they do not
// drift.
//
// Thread-safety: none; each worker thread owns its schedule.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace bench {

using Clock = std::chrono::steady_clock;

class OpenLoopSchedule {
 public:
  // `rate` requests per second (> 0), the first one at `start`.
  OpenLoopSchedule(double rate, Clock::time_point start);

  // The schedule of worker `index` of `workers` sharing `total_rate`: each
  // gets total_rate / workers, phase-shifted so that together they send
  // evenly at total_rate.
  static OpenLoopSchedule share(double total_rate, int workers, int index, Clock::time_point start);

  // Intended send time of request `k` (0-based).
  Clock::time_point intended(uint64_t k) const;
  // The intended time of the next request if it is due at `now` (and
  // advances past it), else nullopt. Call until nullopt to get every
  // request due by `now`, including those a stall made late.
  std::optional<Clock::time_point> next_due(Clock::time_point now);
  // When the next request will be due.
  Clock::time_point next_time() const { return intended(next_); }
  uint64_t issued() const { return next_; }

 private:
  double period_ns_;
  Clock::time_point start_;
  uint64_t next_ = 0;
};

// Latency of a request meant to go at `intended` and answered at `done`.
inline std::chrono::nanoseconds latency_from(Clock::time_point intended, Clock::time_point done) {
  return done > intended ? done - intended : std::chrono::nanoseconds(0);
}

}  // namespace bench
