// One server under load: its resolved addresses (one per node of a
// cluster), its fixture, the workload and one session per connection.
// Prepared once, then run any number of times (--compare rounds continue the
// same sessions).
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
  std::vector<Endpoint> endpoints;  // connection i talks to endpoints[i % size]
  std::unique_ptr<Fixture> fixture;  // a stable address: workloads point into it
  std::unique_ptr<Workload> workload;
  std::vector<std::unique_ptr<Session>> sessions;
  int64_t prefilled = 0;

  // Runs the load; `live` may be empty.
  Stats run(const LoadPlan& plan, const LiveCallback& live = {});
  // Deletes what set-up made, unless `keep`.
  void finish(bool keep);
};

// Set-up and prefill on the first of `urls`, the load on all of them; notes
// about the server go to `err`. Throws TransportError, ProtocolError, or
// std::invalid_argument for a workload the fixture cannot carry.
Side prepare_side(const std::vector<Url>& urls, const Options& options, std::ostream& err);

// The address of each URL, in order. Throws TransportError.
std::vector<Endpoint> resolve_all(const std::vector<Url>& urls);

// A plan from the options.
LoadPlan plan_from(const Options& options);

}  // namespace bench
