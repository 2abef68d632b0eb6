#include "bench/scale.h"

#include <stdexcept>

#include "bench/client.h"
#include "bench/fixture.h"
#include "bench/runner.h"
#include "bench/side.h"
#include "bench/workloads.h"

namespace bench {
namespace {

Stats measure(const std::vector<Endpoint>& endpoints, const Options& options, const Fixture& fixture,
              const std::string& workload, int64_t since) {
  Options o = options;
  o.workload = workload;
  auto w = make_workload(o, fixture, since);
  std::vector<std::unique_ptr<Session>> sessions;
  uint64_t seed = options.seed ? options.seed : 1;
  for (int i = 0; i < o.connections; ++i) sessions.push_back(w->session(i, seed + static_cast<uint64_t>(i)));
  return run_load(endpoints, sessions, plan_from(o));
}

}  // namespace

std::vector<ScaleRow> measure_scale(const Options& options, std::ostream& err) {
  std::vector<Endpoint> endpoints = resolve_all(options.urls);
  Fixture fixture = set_up(options.urls, options);
  if (!fixture.kinto)
    throw std::invalid_argument("scale needs a Kinto server; " + fixture.url.str() + " has no http_api_version");
  std::vector<ScaleRow> rows;
  try {
    for (int64_t size : options.sizes) {
      err << "scale: growing " << fixture.records_path() << " to " << size << " records\n";
      prefill(fixture, size, options.quiet);
      ScaleRow row;
      row.records = size;
      row.read_list = measure(endpoints, options, fixture, "read-list", 0);
      err << "scale: " << size << " records: read-list " << static_cast<int64_t>(row.read_list.requests_per_second())
          << " req/s\n";
      row.sync = measure(endpoints, options, fixture, "sync", list_timestamp(fixture));
      err << "scale: " << size << " records: sync " << row.sync.operations_per_second() << " polls/s, "
          << static_cast<int64_t>(row.sync.requests_per_second()) << " pages/s\n";
      rows.push_back(std::move(row));
    }
  } catch (...) {
    if (!options.keep) tear_down(fixture);
    throw;
  }
  if (!options.keep) tear_down(fixture);
  return rows;
}

}  // namespace bench
