// The command line of ratchet-bench, parsed and checked. Every problem is
// reported as one sentence that names the option, with exit code 2.
//
// Thread-safety: parse_options is a pure function.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bench/url.h"

namespace bench {

struct Options {
  std::string workload;                // a name from workload_names(), "scale" or "suite"
  std::vector<Url> urls;               // --url: set-up on the first, the load spread over all
  std::vector<Url> compare;            // --compare, the same way; empty: no comparison
  int connections = 16;
  double rate = 0;                     // requests/s; 0 = closed loop
  int threads = 2;
  double duration = 10;                // seconds, per server
  double warmup = 2;                   // seconds
  double timeout = 10;                 // seconds per request
  double round = 2;                    // seconds per --compare round
  int64_t prefill = -1;                // -1: the workload's default
  int prefill_connections = 4;
  int users = 4;
  std::string bucket;                  // empty: a fresh name
  std::string collection = "items";
  int record_size = 100;               // bytes of filler per record
  std::string schema;                  // JSON Schema given to the collection ("": none)
  int limit = 100;                     // read-list _limit (0: none sent)
  int batch_size = 0;                  // sub-requests per batch (0: server maximum)
  std::vector<std::pair<std::string, double>> mix;  // mixed: workload -> weight
  std::vector<int64_t> sizes{1000, 100000, 1000000};  // scale
  std::string out = "bench-results.json";  // suite: where the JSON goes
  bool json = false;
  bool quiet = false;                  // no live line
  bool keep = false;                   // keep the bucket afterwards
  uint64_t seed = 0;                   // 0: from the clock

  bool open_loop() const { return rate > 0; }
};

struct ParseOutcome {
  std::optional<Options> options;  // set when the program should run
  int exit_code = 0;               // otherwise: 0 for --help, 2 for errors
  std::string message;             // help text or the error
};

ParseOutcome parse_options(const std::vector<std::string>& args);

// The workloads one can name on the command line (without "scale" and "suite").
const std::vector<std::string>& workload_names();

// The mix of `mixed` when --mix is not given.
std::vector<std::pair<std::string, double>> default_mix();

// "10", "10s", "1.5s", "500ms", "2m" -> seconds; nullopt otherwise.
std::optional<double> parse_seconds(const std::string& text);
// "read-one=70,update=30"; nullopt and `error` set on a bad entry.
std::optional<std::vector<std::pair<std::string, double>>> parse_mix(const std::string& text,
                                                                     std::string* error);

}  // namespace bench
