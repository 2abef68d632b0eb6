#include "bench/compare.h"

#include <cmath>

namespace bench {

int round_count(double duration, double round) {
  return std::max(1, static_cast<int>(std::lround(duration / round)));
}

CompareResult alternate(Side& a, Side& b, const LoadPlan& plan, int rounds, const RoundCallback& each) {
  if (plan.warmup > 0) {
    LoadPlan warm = plan;
    warm.warmup = 0;
    warm.duration = plan.warmup;
    a.run(warm);
    b.run(warm);
  }
  LoadPlan round = plan;
  round.warmup = 0;
  round.duration = plan.duration / rounds;
  CompareResult result;
  for (int i = 1; i <= rounds; ++i) {
    Stats sa = a.run(round);
    Stats sb = b.run(round);
    result.rounds_a.push_back(sa.requests_per_second());
    result.rounds_b.push_back(sb.requests_per_second());
    if (each) each(i, rounds, sa.requests_per_second(), sb.requests_per_second());
    result.a.merge(sa);
    result.b.merge(sb);
  }
  result.a.seconds = result.b.seconds = round.duration * rounds;
  return result;
}

}  // namespace bench
