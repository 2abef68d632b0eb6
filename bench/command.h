// What ratchet-bench does with parsed options: one run, a --compare, scale
// or suite; results to `out` (text or JSON), progress and problems to `err`.
//
// Exit codes: 0 success; 1 the run finished but had errors (shown); 2 bad
// command line (see options.h) or a workload the set-up cannot carry; 3 the server could not be reached, or
// answered set-up with an error or with something that is not the protocol.
//
// Thread-safety: blocks its caller.
#pragma once

#include <ostream>

#include "bench/options.h"

namespace bench {

int run_command(const Options& options, std::ostream& out, std::ostream& err);

}  // namespace bench
