#include "bench/report.h"

#include <cstdio>
#include <sstream>

namespace bench {
namespace {

using nlohmann::json;

std::string fmt(const char* format, double value) {
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

std::string rate_text(double r) { return fmt(r >= 100 ? "%.0f" : "%.1f", r); }

json latency_json(const Histogram& h) {
  auto ms = [](uint64_t ns) { return static_cast<double>(ns) / 1e6; };
  return {{"p50", ms(h.percentile(50))},   {"p90", ms(h.percentile(90))},
          {"p99", ms(h.percentile(99))},   {"p99_9", ms(h.percentile(99.9))},
          {"max", ms(h.max())},            {"mean", h.mean() / 1e6},
          {"count", h.count()}};
}

std::string latency_line(const Histogram& h) {
  return "p50 " + format_ms(h.percentile(50)) + "  p90 " + format_ms(h.percentile(90)) + "  p99 " +
         format_ms(h.percentile(99)) + "  p99.9 " + format_ms(h.percentile(99.9)) + "  max " +
         format_ms(h.max());
}

template <typename Map>
std::string counts_line(const Map& counts) {
  std::string out;
  for (const auto& [k, v] : counts) {
    std::ostringstream item;
    item << k << ": " << v;
    out += (out.empty() ? "" : ", ") + item.str();
  }
  return out.empty() ? "none" : out;
}

template <typename Map>
json counts_json(const Map& counts) {
  json out = json::object();
  for (const auto& [k, v] : counts) {
    std::ostringstream key;
    key << k;
    out[key.str()] = v;
  }
  return out;
}

std::string ratio(double a, double b) {
  if (b <= 0) return "-";
  double r = a / b;
  return fmt(r < 0.095 ? "%.3f" : "%.2f", r);
}

}  // namespace

RunInfo RunInfo::from(const Options& o, const std::string& url, int64_t prefill) {
  RunInfo info;
  info.workload = o.workload;
  if (o.workload == "mixed") {
    info.workload += " (";
    for (size_t i = 0; i < o.mix.size(); ++i)
      info.workload += (i ? "," : "") + o.mix[i].first + "=" + fmt("%g", o.mix[i].second);
    info.workload += ")";
  }
  info.url = url;
  info.connections = o.connections;
  info.threads = o.threads;
  info.rate = o.rate;
  info.duration = o.duration;
  info.warmup = o.warmup;
  info.prefill = prefill;
  return info;
}

std::string RunInfo::model() const {
  std::string out = rate > 0 ? "open loop at " + rate_text(rate) + " requests/s over " : "closed loop, ";
  out += std::to_string(connections) + " connection" + (connections == 1 ? "" : "s") + ", " +
         std::to_string(threads) + " thread" + (threads == 1 ? "" : "s");
  return out;
}

std::string live_line(double elapsed, double per_second, uint64_t errors, bool warming) {
  char text[128];
  std::snprintf(text, sizeof text, "[%4.0fs] %9.0f req/s  errors %llu%s", elapsed, per_second,
                static_cast<unsigned long long>(errors), warming ? "  (warmup)" : "");
  return text;
}

std::string format_ms(uint64_t ns) {
  double ms = static_cast<double>(ns) / 1e6;
  if (ms < 1) return fmt("%.3f", ms);
  if (ms < 10) return fmt("%.2f", ms);
  if (ms < 100) return fmt("%.1f", ms);
  return fmt("%.0f", ms);
}

std::string text_report(const RunInfo& info, const Stats& s) {
  std::ostringstream out;
  out << info.workload << " on " << info.url << ": " << info.model() << ", " << fmt("%g", info.duration)
      << " s measured after " << fmt("%g", info.warmup) << " s warmup";
  if (info.prefill > 0) out << ", " << info.prefill << " records prefilled";
  out << "\n";
  out << "  requests     " << s.requests << " (" << rate_text(s.requests_per_second()) << "/s)   successes "
      << s.successes << "   errors " << s.errors << "\n";
  out << "  statuses     " << counts_line(s.statuses) << "\n";
  if (!s.sub_statuses.empty()) out << "  in batches   " << counts_line(s.sub_statuses) << "\n";
  if (!s.failures.empty()) out << "  no answer    " << counts_line(s.failures) << "\n";
  out << "  latency ms   " << latency_line(s.latency) << "  (mean " << format_ms(static_cast<uint64_t>(s.latency.mean()))
      << ")\n";
  if (s.operations != s.requests || s.retries > 0) {
    out << "  operations   " << s.operations << " (" << rate_text(s.operations_per_second()) << "/s)";
    if (s.retries > 0) out << ", " << s.retries << " retried after 412";
    out << "\n  op latency   " << latency_line(s.operation_latency) << "\n";
  }
  out << "  received     " << fmt("%.1f", s.bytes / 1e6 / std::max(s.seconds, 1e-9)) << " MB/s\n";
  if (s.errors > 0) {
    out << "  ERRORS       " << s.errors << " (" << counts_line(s.error_kinds) << ")\n";
    out << "  first error  " << s.first_error << "\n";
  }
  if (s.unsent > 0)
    out << "  NOT SENT     " << s.unsent << " requests were due but every connection was busy: the target rate "
        << "was not reached; raise --connections or lower --rate\n";
  return out.str();
}

json json_report(const RunInfo& info, const Stats& s) {
  return {{"workload", info.workload},
          {"url", info.url},
          {"model", info.rate > 0 ? "open" : "closed"},
          {"connections", info.connections},
          {"threads", info.threads},
          {"rate", info.rate > 0 ? json(info.rate) : json()},
          {"duration_s", s.seconds},
          {"warmup_s", info.warmup},
          {"prefill", info.prefill},
          {"requests", s.requests},
          {"successes", s.successes},
          {"errors", s.errors},
          {"requests_per_s", s.requests_per_second()},
          {"operations", s.operations},
          {"operations_per_s", s.operations_per_second()},
          {"retries", s.retries},
          {"unsent", s.unsent},
          {"bytes_per_s", s.bytes / std::max(s.seconds, 1e-9)},
          {"statuses", counts_json(s.statuses)},
          {"sub_statuses", counts_json(s.sub_statuses)},
          {"transport_failures", counts_json(s.failures)},
          {"error_kinds", counts_json(s.error_kinds)},
          {"first_error", s.first_error},
          {"latency_ms", latency_json(s.latency)},
          {"operation_latency_ms", latency_json(s.operation_latency)}};
}

std::string compare_table(const RunInfo& info, const std::string& url_b, const CompareResult& r) {
  std::ostringstream out;
  out << info.workload << ": " << info.model() << "; " << r.rounds_a.size() << " rounds of "
      << fmt("%g", info.duration / std::max<size_t>(1, r.rounds_a.size())) << " s per server, alternating A B A B\n";
  out << "  A = " << info.url << "\n  B = " << url_b << "\n";
  char line[160];
  std::snprintf(line, sizeof line, "  %-14s %14s %14s %8s\n", "", "A", "B", "A/B");
  out << line;
  auto row = [&](const char* name, const std::string& a, const std::string& b, const std::string& q) {
    std::snprintf(line, sizeof line, "  %-14s %14s %14s %8s\n", name, a.c_str(), b.c_str(), q.c_str());
    out << line;
  };
  double ra = r.a.requests_per_second(), rb = r.b.requests_per_second();
  row("requests/s", rate_text(ra), rate_text(rb), ratio(ra, rb));
  struct P { const char* name; double p; };
  for (P p : {P{"p50 ms", 50}, P{"p90 ms", 90}, P{"p99 ms", 99}, P{"p99.9 ms", 99.9}}) {
    uint64_t a = r.a.latency.percentile(p.p), b = r.b.latency.percentile(p.p);
    row(p.name, format_ms(a), format_ms(b), ratio(static_cast<double>(a), static_cast<double>(b)));
  }
  row("max ms", format_ms(r.a.latency.max()), format_ms(r.b.latency.max()),
      ratio(static_cast<double>(r.a.latency.max()), static_cast<double>(r.b.latency.max())));
  row("requests", std::to_string(r.a.requests), std::to_string(r.b.requests), "");
  row("errors", std::to_string(r.a.errors), std::to_string(r.b.errors), "");
  auto rounds = [&](const char* side, const std::vector<double>& v) {
    out << "  rounds " << side << " req/s:";
    for (double x : v) out << " " << rate_text(x);
    out << "\n";
  };
  rounds("A", r.rounds_a);
  rounds("B", r.rounds_b);
  if (r.a.errors) out << "  A first error: " << r.a.first_error << "\n";
  if (r.b.errors) out << "  B first error: " << r.b.first_error << "\n";
  return out.str();
}

json compare_json(const RunInfo& info, const std::string& url_b, const CompareResult& r) {
  RunInfo b = info;
  b.url = url_b;
  json out = {{"a", json_report(info, r.a)}, {"b", json_report(b, r.b)},
              {"rounds_a", r.rounds_a},      {"rounds_b", r.rounds_b}};
  double ra = r.a.requests_per_second(), rb = r.b.requests_per_second();
  out["ratio"] = {{"requests_per_s", rb > 0 ? json(ra / rb) : json()}};
  for (auto [key, p] : {std::pair{"p50", 50.0}, {"p99", 99.0}}) {
    double a = static_cast<double>(r.a.latency.percentile(p)), bb = static_cast<double>(r.b.latency.percentile(p));
    out["ratio"][key] = bb > 0 ? json(a / bb) : json();
  }
  return out;
}

std::string scale_table(const RunInfo& info, int limit, const std::vector<ScaleRow>& rows) {
  std::ostringstream out;
  out << "scale on " << info.url << ": " << info.model() << ", " << fmt("%g", info.duration)
      << " s per measurement\n"
      << "  read-list: GET records" << (limit > 0 ? "?_limit=" + std::to_string(limit) : "")
      << "   sync: a poll is GET records?_sort=-last_modified&_since=<ETag> plus every Next-Page\n"
      << "  cost = time per request (or per poll) relative to the first size\n";
  char line[200];
  std::snprintf(line, sizeof line, "  %10s | %10s %9s %9s %6s | %9s %9s %9s %9s %6s\n", "records", "list req/s",
                "p50 ms", "p99 ms", "cost", "polls/s", "pages/s", "p50 ms", "p99 ms", "cost");
  out << line;
  double base_list = 0, base_sync = 0;
  for (const auto& row : rows) {
    double list = row.read_list.requests_per_second(), polls = row.sync.operations_per_second();
    if (base_list == 0) base_list = list;
    if (base_sync == 0) base_sync = polls;
    std::snprintf(line, sizeof line, "  %10lld | %10s %9s %9s %6s | %9s %9s %9s %9s %6s\n",
                  static_cast<long long>(row.records), rate_text(list).c_str(),
                  format_ms(row.read_list.latency.percentile(50)).c_str(),
                  format_ms(row.read_list.latency.percentile(99)).c_str(), ratio(base_list, list).c_str(),
                  rate_text(polls).c_str(), rate_text(row.sync.requests_per_second()).c_str(),
                  format_ms(row.sync.operation_latency.percentile(50)).c_str(),
                  format_ms(row.sync.operation_latency.percentile(99)).c_str(), ratio(base_sync, polls).c_str());
    out << line;
  }
  for (const auto& row : rows) {
    if (row.read_list.errors) out << "  " << row.records << " read-list errors: " << row.read_list.errors << ", first: " << row.read_list.first_error << "\n";
    if (row.sync.errors) out << "  " << row.records << " sync errors: " << row.sync.errors << ", first: " << row.sync.first_error << "\n";
  }
  return out.str();
}

json scale_json(const RunInfo& info, int limit, const std::vector<ScaleRow>& rows) {
  json out = {{"url", info.url}, {"limit", limit}, {"rows", json::array()}};
  RunInfo list = info, sync = info;
  list.workload = "read-list";
  sync.workload = "sync";
  for (const auto& row : rows)
    out["rows"].push_back({{"records", row.records},
                           {"read_list", json_report(list, row.read_list)},
                           {"sync", json_report(sync, row.sync)}});
  return out;
}

std::string suite_table(const RunInfo& info, const std::string& ceiling, const std::vector<SuiteRow>& rows) {
  std::ostringstream out;
  out << "suite: " << info.url << " against the ceiling " << ceiling << "\n"
      << "  " << info.model() << "; per workload " << fmt("%g", info.duration)
      << " s per server after " << fmt("%g", info.warmup) << " s warmup, in alternating rounds\n";
  char line[200];
  std::snprintf(line, sizeof line, "  %-10s %11s %8s %8s %14s %11s %7s\n", "workload", "requests/s", "p50 ms",
                "p99 ms", "ceiling req/s", "of ceiling", "errors");
  out << line;
  for (const auto& row : rows) {
    if (!row.failure.empty()) {
      std::snprintf(line, sizeof line, "  %-10s FAILED: %s\n", row.workload.c_str(), row.failure.c_str());
      out << line;
      continue;
    }
    const Stats& a = row.result.a;
    const Stats& b = row.result.b;
    std::snprintf(line, sizeof line, "  %-10s %11s %8s %8s %14s %11s %7llu\n", row.workload.c_str(),
                  rate_text(a.requests_per_second()).c_str(), format_ms(a.latency.percentile(50)).c_str(),
                  format_ms(a.latency.percentile(99)).c_str(), rate_text(b.requests_per_second()).c_str(),
                  ratio(a.requests_per_second(), b.requests_per_second()).c_str(),
                  static_cast<unsigned long long>(a.errors + b.errors));
    out << line;
  }
  for (const auto& row : rows) {
    uint64_t subs = 0;
    for (const auto& [status, n] : row.result.a.sub_statuses) subs += n;
    if (subs > 0 && row.result.a.requests > 0)
      out << "  (" << row.workload << ": each request carries " << subs / row.result.a.requests
          << " sub-requests, so " << rate_text(static_cast<double>(subs) / row.result.a.seconds)
          << " writes/s)\n";
  }
  for (const auto& row : rows) {
    if (row.result.a.errors) out << "  " << row.workload << ": first error: " << row.result.a.first_error << "\n";
    if (row.result.b.errors) out << "  " << row.workload << " (ceiling): first error: " << row.result.b.first_error << "\n";
  }
  return out.str();
}

json suite_json(const RunInfo& info, const std::string& ceiling, const std::vector<SuiteRow>& rows) {
  json out = {{"url", info.url},
              {"ceiling", ceiling},
              {"connections", info.connections},
              {"threads", info.threads},
              {"duration_s", info.duration},
              {"warmup_s", info.warmup},
              {"workloads", json::array()}};
  for (const auto& row : rows) {
    RunInfo w = info;
    w.workload = row.workload;
    json entry = {{"workload", row.workload}};
    if (!row.failure.empty()) {
      entry["failure"] = row.failure;
    } else {
      const Stats& a = row.result.a;
      double ceiling_rate = row.result.b.requests_per_second();
      entry["requests_per_s"] = a.requests_per_second();
      entry["p50_ms"] = static_cast<double>(a.latency.percentile(50)) / 1e6;
      entry["p99_ms"] = static_cast<double>(a.latency.percentile(99)) / 1e6;
      entry["ceiling_requests_per_s"] = ceiling_rate;
      entry["fraction_of_ceiling"] = ceiling_rate > 0 ? json(a.requests_per_second() / ceiling_rate) : json();
      entry["errors"] = a.errors + row.result.b.errors;
      entry["detail"] = compare_json(w, ceiling, row.result);
    }
    out["workloads"].push_back(entry);
  }
  return out;
}

}  // namespace bench
