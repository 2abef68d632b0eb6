// --compare: the same workload against two servers in short alternating
// rounds (A B A B ...), so that both see the same machine noise; each
// side's rounds are merged into one result.
//
// Thread-safety: blocks its caller.
#pragma once

#include <functional>

#include "bench/report.h"
#include "bench/side.h"

namespace bench {

// Called after each round: its number (1-based), A's and B's requests/s.
using RoundCallback = std::function<void(int round, int rounds, double a, double b)>;

// Warms both sides up for plan.warmup, then runs `rounds` rounds of
// plan.duration / rounds seconds on each.
CompareResult alternate(Side& a, Side& b, const LoadPlan& plan, int rounds, const RoundCallback& each = {});

// How many rounds of about `round` seconds fit in `duration` (at least 1).
int round_count(double duration, double round);

}  // namespace bench
