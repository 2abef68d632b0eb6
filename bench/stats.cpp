#include "bench/stats.h"

namespace bench {

void Stats::merge(const Stats& other) {
  requests += other.requests;
  successes += other.successes;
  errors += other.errors;
  operations += other.operations;
  retries += other.retries;
  bytes += other.bytes;
  unsent += other.unsent;
  for (const auto& [k, v] : other.statuses) statuses[k] += v;
  for (const auto& [k, v] : other.sub_statuses) sub_statuses[k] += v;
  for (const auto& [k, v] : other.failures) failures[k] += v;
  for (const auto& [k, v] : other.error_kinds) error_kinds[k] += v;
  if (first_error.empty()) first_error = other.first_error;
  latency.merge(other.latency);
  operation_latency.merge(other.operation_latency);
  seconds = std::max(seconds, other.seconds);
}

void Stats::note_error(const std::string& kind, const std::string& text) {
  ++error_kinds[kind];
  if (first_error.empty()) first_error = text;
}

}  // namespace bench
