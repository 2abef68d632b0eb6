// What a run measured: counts by outcome and status, latency histograms.
// requests == successes + errors always holds: a request is a success when
// its status is one the workload expects (2xx, or a 412 that an update
// retries), an error otherwise (other statuses, failed batch sub-requests,
// transport failures, timeouts).
//
// Thread-safety: none; each worker fills its own and the results are
// merged after the workers stop.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "bench/histogram.h"

namespace bench {

struct Stats {
  uint64_t requests = 0;
  uint64_t successes = 0;
  uint64_t errors = 0;
  uint64_t operations = 0;        // completed workload operations (a sync poll, an update with its retries)
  uint64_t retries = 0;           // 412 answers the workload retries (update)
  uint64_t bytes = 0;             // response bytes, heads included
  uint64_t unsent = 0;            // open loop: due but not sent before the end
  std::map<int, uint64_t> statuses;            // HTTP status -> responses
  std::map<int, uint64_t> sub_statuses;        // batch sub-response status -> count
  std::map<std::string, uint64_t> failures;    // transport failure kind -> count
  std::map<std::string, uint64_t> error_kinds; // why responses were errors -> count
  std::string first_error;        // the first error, in words
  Histogram latency;              // per request, nanoseconds
  Histogram operation_latency;    // per operation, nanoseconds
  double seconds = 0;             // measured time

  void merge(const Stats& other);
  double requests_per_second() const { return seconds > 0 ? requests / seconds : 0; }
  double operations_per_second() const { return seconds > 0 ? operations / seconds : 0; }
  // Records an error with a reason; remembers the first one's text.
  void note_error(const std::string& kind, const std::string& text);
};

}  // namespace bench
