#include "bench/suite.h"

#include <cstdio>

#include "bench/compare.h"
#include "bench/side.h"

namespace bench {

std::vector<SuiteRow> run_suite(const Options& options, std::ostream& err) {
  std::vector<SuiteRow> rows;
  for (const auto& name : workload_names()) {
    Options o = options;
    o.workload = name;
    if (name == "mixed" && o.mix.empty()) o.mix = default_mix();
    SuiteRow row;
    row.workload = name;
    err << "suite: " << name << "\n";
    err.flush();
    try {
      Side a = prepare_side(o.urls, o, err);
      Side b = prepare_side(o.compare, o, err);
      row.result = alternate(a, b, plan_from(o), round_count(o.duration, o.round));
      a.finish(o.keep);
      b.finish(o.keep);
      char line[160];
      std::snprintf(line, sizeof line, "suite: %s: %.0f req/s, ceiling %.0f req/s, errors %llu\n", name.c_str(),
                    row.result.a.requests_per_second(), row.result.b.requests_per_second(),
                    static_cast<unsigned long long>(row.result.a.errors + row.result.b.errors));
      err << line;
    } catch (const std::exception& e) {
      row.failure = e.what();
      err << "suite: " << name << " failed: " << e.what() << "\n";
    }
    err.flush();
    rows.push_back(std::move(row));
  }
  return rows;
}

bool suite_had_errors(const std::vector<SuiteRow>& rows) {
  for (const auto& row : rows)
    if (!row.failure.empty() || row.result.a.errors || row.result.b.errors) return true;
  return false;
}

}  // namespace bench
