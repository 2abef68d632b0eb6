// One server under load: its resolved address, its fixture, the workload
// and one session per connection. Prepared once, then run any number of
// times (--compare rounds continue the same sessions).
//
// Thread-safety: used from one thread; run_load drives the sessions.
#pragma once

#include <memory>
#include <ostream>
#include <vector>

#include "bench/connection.h"
#include "bench/fixture.h"
#include "bench/options.h"
#include "bench/runner.h"
#include "bench/workloads.h"

namespace bench {

struct Side {
  Endpoint endpoint;
  std::unique_ptr<Fixture> fixture;  // a stable address: workloads point into it
  std::unique_ptr<Workload> workload;
  std::vector<std::unique_ptr<Session>> sessions;
  int64_t prefilled = 0;

  // Runs the load; `live` may be empty.
  Stats run(const LoadPlan& plan, const LiveCallback& live = {});
  // Deletes what set-up made, unless `keep`.
  void finish(bool keep);
};

// Set-up and prefill for `url`; notes about the server go to `err`. Throws
// TransportError, ProtocolError, or std::invalid_argument for a workload the
// fixture cannot carry.
Side prepare_side(const Url& url, const Options& options, std::ostream& err);

// A plan from the options.
LoadPlan plan_from(const Options& options);

}  // namespace bench
