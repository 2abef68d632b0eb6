// How results are shown: the live line, the end-of-run report, the --compare
// table, the scale table, and their JSON forms. Pure formatting.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/options.h"
#include "bench/stats.h"

namespace bench {

// What was run, for the headings.
struct RunInfo {
  std::string workload;
  std::string url;
  int connections = 0;
  int threads = 0;
  double rate = 0;
  double duration = 0;
  double warmup = 0;
  int64_t prefill = 0;

  static RunInfo from(const Options& options, const std::string& url, int64_t prefill);
  // "closed loop, 16 connections, 2 threads" or "open loop at 5000 requests/s, ..."
  std::string model() const;
};

struct CompareResult {
  Stats a, b;
  std::vector<double> rounds_a, rounds_b;  // requests/s of each round
};

struct SuiteRow {
  std::string workload;
  CompareResult result;  // A: the server, B: the ceiling
  std::string failure;   // set when the workload could not run at all
};

struct ScaleRow {
  int64_t records = 0;
  Stats read_list, sync;
};

// "[  3s]  12345 req/s  errors 0  (warmup)".
std::string live_line(double elapsed, double per_second, uint64_t errors, bool warming);
// Milliseconds from nanoseconds with three significant digits: "0.412", "41.2".
std::string format_ms(uint64_t nanoseconds);

std::string text_report(const RunInfo& info, const Stats& stats);
nlohmann::json json_report(const RunInfo& info, const Stats& stats);

std::string compare_table(const RunInfo& info, const std::string& url_b, const CompareResult& result);
nlohmann::json compare_json(const RunInfo& info, const std::string& url_b, const CompareResult& result);

std::string scale_table(const RunInfo& info, int limit, const std::vector<ScaleRow>& rows);
nlohmann::json scale_json(const RunInfo& info, int limit, const std::vector<ScaleRow>& rows);

// workload, requests/s, p50, p99, the ceiling's requests/s, the fraction.
std::string suite_table(const RunInfo& info, const std::string& ceiling, const std::vector<SuiteRow>& rows);
nlohmann::json suite_json(const RunInfo& info, const std::string& ceiling, const std::vector<SuiteRow>& rows);

}  // namespace bench
