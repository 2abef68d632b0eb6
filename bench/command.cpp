#include "bench/command.h"

#include <stdexcept>

#include "bench/client.h"
#include "bench/compare.h"
#include "bench/report.h"
#include "bench/scale.h"
#include "bench/side.h"
#include "bench/suite.h"

#include <fstream>

namespace bench {
namespace {

LiveCallback live_printer(std::ostream& err) {
  auto previous = std::make_shared<uint64_t>(0);
  return [&err, previous](double elapsed, uint64_t responses, uint64_t errors, bool warming) {
    err << live_line(elapsed, static_cast<double>(responses - *previous), errors, warming) << "\n";
    err.flush();
    *previous = responses;
  };
}

int single(const Options& o, std::ostream& out, std::ostream& err) {
  Side side = prepare_side(o.urls, o, err);
  Stats stats = side.run(plan_from(o), o.quiet ? LiveCallback() : live_printer(err));
  side.finish(o.keep);
  RunInfo info = RunInfo::from(o, describe(o.urls), side.prefilled);
  if (o.json) {
    out << json_report(info, stats).dump(2) << "\n";
  } else {
    out << text_report(info, stats);
  }
  return stats.errors > 0 ? 1 : 0;
}

int compare(const Options& o, std::ostream& out, std::ostream& err) {
  Side a = prepare_side(o.urls, o, err);
  Side b = prepare_side(o.compare, o, err);
  int rounds = round_count(o.duration, o.round);
  RoundCallback each;
  if (!o.quiet) {
    each = [&err](int i, int n, double ra, double rb) {
      char line[128];
      std::snprintf(line, sizeof line, "round %d/%d: A %.0f req/s, B %.0f req/s", i, n, ra, rb);
      err << line << "\n";
      err.flush();
    };
  }
  CompareResult result = alternate(a, b, plan_from(o), rounds, each);
  a.finish(o.keep);
  b.finish(o.keep);
  RunInfo info = RunInfo::from(o, describe(o.urls), a.prefilled);
  if (o.json) {
    out << compare_json(info, describe(o.compare), result).dump(2) << "\n";
  } else {
    out << compare_table(info, describe(o.compare), result);
  }
  return result.a.errors + result.b.errors > 0 ? 1 : 0;
}

int scale(const Options& o, std::ostream& out, std::ostream& err) {
  std::vector<ScaleRow> rows = measure_scale(o, err);
  RunInfo info = RunInfo::from(o, describe(o.urls), 0);
  if (o.json) {
    out << scale_json(info, o.limit, rows).dump(2) << "\n";
  } else {
    out << scale_table(info, o.limit, rows);
  }
  for (const auto& row : rows)
    if (row.read_list.errors || row.sync.errors) return 1;
  return 0;
}

int suite(const Options& o, std::ostream& out, std::ostream& err) {
  std::vector<SuiteRow> rows = run_suite(o, err);
  RunInfo info = RunInfo::from(o, describe(o.urls), 0);
  nlohmann::json results = suite_json(info, describe(o.compare), rows);
  if (o.json) {
    out << results.dump(2) << "\n";
  } else {
    out << suite_table(info, describe(o.compare), rows);
  }
  std::ofstream file(o.out);
  file << results.dump(2) << "\n";
  if (!file) {
    err << "ratchet-bench: cannot write " << o.out << "\n";
    return 3;
  }
  err << "suite: results written to " << o.out << "\n";
  return suite_had_errors(rows) ? 1 : 0;
}

}  // namespace

int run_command(const Options& o, std::ostream& out, std::ostream& err) {
  try {
    if (o.workload == "scale") return scale(o, out, err);
    if (o.workload == "suite") return suite(o, out, err);
    if (!o.compare.empty()) return compare(o, out, err);
    return single(o, out, err);
  } catch (const TransportError& e) {
    err << "ratchet-bench: cannot reach the server: " << e.what() << "\n";
  } catch (const ProtocolError& e) {
    err << "ratchet-bench: set-up failed: " << e.what() << "\n";
  } catch (const std::invalid_argument& e) {
    err << "ratchet-bench: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    err << "ratchet-bench: " << e.what() << "\n";
  }
  return 3;
}

}  // namespace bench
