#include "bench/side.h"

#include <chrono>
#include <set>
#include <stdexcept>

#include "bench/client.h"

namespace bench {

Stats Side::run(const LoadPlan& plan, const LiveCallback& live) {
  return run_load(endpoints, sessions, plan, live);
}

void Side::finish(bool keep) {
  if (!keep && fixture) tear_down(*fixture);
}

LoadPlan plan_from(const Options& o) {
  LoadPlan plan;
  plan.threads = o.threads;
  plan.rate = o.rate;
  plan.warmup = o.warmup;
  plan.duration = o.duration;
  plan.timeout = o.timeout;
  return plan;
}

std::vector<Endpoint> resolve_all(const std::vector<Url>& urls) {
  std::vector<Endpoint> endpoints(urls.size());
  std::string error;
  for (size_t i = 0; i < urls.size(); ++i)
    if (!resolve(urls[i], &endpoints[i], &error)) throw TransportError(error);
  return endpoints;
}

Side prepare_side(const std::vector<Url>& urls, const Options& options, std::ostream& err) {
  const Url& url = urls.front();
  Side side;
  side.endpoints = resolve_all(urls);
  side.fixture = std::make_unique<Fixture>(set_up(urls, options));
  Fixture& f = *side.fixture;
  static std::set<std::string> noted;  // say it once per server
  if (!f.kinto && noted.insert(url.str()).second) {
    err << "note: " << url.str() << " does not speak Kinto (its GET " << url.target("/")
        << " has no http_api_version): nothing is set up there and the workload's requests are sent "
           "as they are; only HTTP statuses are checked.\n";
  } else if (f.kinto) {
    int64_t want = default_prefill(options);
    if (want > 0) err << "prefill: " << want << " records into " << f.records_path() << " on " << url.str() << "\n";
    prefill(f, want, options.quiet);
    side.prefilled = want;
  }
  std::string problem = check_fixture(options, f);
  if (!problem.empty()) {
    side.finish(options.keep);
    throw std::invalid_argument(problem);
  }
  int64_t since = 0;
  if (options.workload == "sync" || options.workload == "mixed") since = list_timestamp(f);
  side.workload = make_workload(options, f, since);
  uint64_t seed = options.seed ? options.seed
                               : static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  for (int i = 0; i < options.connections; ++i)
    side.sessions.push_back(side.workload->session(i, seed + 7919 * static_cast<uint64_t>(i)));
  return side;
}

}  // namespace bench
