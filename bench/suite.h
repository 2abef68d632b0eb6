// suite: every workload, each against the server and the ceiling in
// alternating rounds, for one table of requests/s, p50, p99 and the
// fraction of the ceiling. bench/run-suite starts the servers and calls it.
//
// Thread-safety: blocks its caller.
#pragma once

#include <ostream>
#include <vector>

#include "bench/options.h"
#include "bench/report.h"

namespace bench {

// Runs every workload of workload_names(); a workload that cannot be set
// up becomes a row with `failure` set. Progress goes to `err`.
std::vector<SuiteRow> run_suite(const Options& options, std::ostream& err);

// True when a row failed or counted an error on either side.
bool suite_had_errors(const std::vector<SuiteRow>& rows);

}  // namespace bench
