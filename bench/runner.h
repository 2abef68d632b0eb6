// Runs sessions against one server, or the nodes of a cluster: each of
// `threads` workers drives its share of the keep-alive connections from one
// epoll loop.
//
// Closed loop: every connection starts its next operation as soon as the
// previous one ends. Open loop (rate > 0): operations start at the intended
// times of an OpenLoopSchedule on the first idle connection; when none is
// idle they wait, and their latency still counts from the intended time.
//
// A request counts when it starts inside the measured window (after the
// warmup); its answer may arrive after the window. At the end no new
// request is sent; answers still in flight are awaited up to the timeout,
// and those that never come are counted as timeouts.
//
// Thread-safety: run() blocks its caller; the live callback runs on the
// caller's thread, once a second.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "bench/connection.h"
#include "bench/stats.h"
#include "bench/workloads.h"

namespace bench {

struct LoadPlan {
  int threads = 2;
  double rate = 0;       // total requests/s; 0 = closed loop
  double warmup = 0;     // seconds
  double duration = 10;  // seconds
  double timeout = 10;   // seconds per request
};

// Seconds since the start, responses and errors so far (warmup included),
// and whether the warmup is still on.
using LiveCallback = std::function<void(double elapsed, uint64_t responses, uint64_t errors, bool warming)>;

// Runs one session per connection (sessions.size() connections); session i
// talks to endpoints[i % endpoints.size()]. Sessions keep their state
// afterwards, so a later run continues where this one stopped.
Stats run_load(const std::vector<Endpoint>& endpoints, std::vector<std::unique_ptr<Session>>& sessions,
               const LoadPlan& plan, const LiveCallback& live = {});

}  // namespace bench
