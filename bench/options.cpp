#include "bench/options.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>

#include <nlohmann/json.hpp>

namespace bench {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

bool known_workload(const std::string& name) {
  const auto& names = workload_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::optional<double> parse_number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (...) {
    return std::nullopt;
  }
  if (used != text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<std::vector<int64_t>> parse_sizes(const std::string& text) {
  std::vector<int64_t> sizes;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    int64_t multiplier = 1;
    if (!item.empty() && (item.back() == 'k' || item.back() == 'K')) multiplier = 1000;
    if (!item.empty() && (item.back() == 'm' || item.back() == 'M')) multiplier = 1000000;
    if (multiplier != 1) item.pop_back();
    int64_t value = 0;
    auto [p, ec] = std::from_chars(item.data(), item.data() + item.size(), value);
    if (item.empty() || ec != std::errc() || p != item.data() + item.size() || value < 1)
      return std::nullopt;
    sizes.push_back(value * multiplier);
  }
  if (sizes.empty()) return std::nullopt;
  std::sort(sizes.begin(), sizes.end());
  return sizes;
}

}  // namespace

const std::vector<std::string>& workload_names() {
  static const std::vector<std::string> names{"read-one", "read-list", "create",    "update",
                                              "sync",     "batch",     "heartbeat", "mixed"};
  return names;
}

std::vector<std::pair<std::string, double>> default_mix() {
  return {{"read-one", 70}, {"read-list", 10}, {"create", 10}, {"update", 10}};
}

std::optional<double> parse_seconds(const std::string& text) {
  std::string number = text;
  double scale = 1;
  if (number.size() > 2 && number.compare(number.size() - 2, 2, "ms") == 0) {
    number.resize(number.size() - 2);
    scale = 0.001;
  } else if (!number.empty() && number.back() == 's') {
    number.pop_back();
  } else if (!number.empty() && number.back() == 'm') {
    number.pop_back();
    scale = 60;
  }
  auto value = parse_number(number);
  if (!value || *value < 0) return std::nullopt;
  return *value * scale;
}

std::optional<std::vector<std::pair<std::string, double>>> parse_mix(const std::string& text,
                                                                     std::string* error) {
  std::vector<std::pair<std::string, double>> mix;
  std::stringstream in(text);
  std::string item;
  double total = 0;
  while (std::getline(in, item, ',')) {
    size_t eq = item.find('=');
    std::string name = item.substr(0, eq);
    if (name == "mixed" || !known_workload(name)) {
      *error = "--mix: unknown workload '" + name + "' (choose among read-one, read-list, create, "
               "update, sync, batch, heartbeat)";
      return std::nullopt;
    }
    auto weight = eq == std::string::npos ? std::optional<double>(1.0)
                                          : parse_number(item.substr(eq + 1));
    if (!weight || *weight < 0) {
      *error = "--mix: the weight of '" + name + "' must be a non-negative number";
      return std::nullopt;
    }
    total += *weight;
    mix.emplace_back(name, *weight);
  }
  if (mix.empty() || total <= 0) {
    *error = "--mix: give at least one workload with a positive weight, e.g. read-one=80,update=20";
    return std::nullopt;
  }
  return mix;
}

ParseOutcome parse_options(const std::vector<std::string>& args) {
  ParseOutcome outcome;
  auto error = [&](const std::string& message) {
    outcome.options.reset();
    outcome.exit_code = 2;
    outcome.message = "ratchet-bench: " + message + "\nRun 'ratchet-bench --help' for the options.";
    return outcome;
  };

  CLI::App app{"ratchet-bench: load generator for Kinto-protocol servers (ratchet, Kinto)",
               "ratchet-bench"};
  app.footer("Workloads: " + join(workload_names()) +
             ".\nAlso: scale (read-list and sync at growing list sizes) and suite (every workload with\n"
             "--compare against a ceiling server, one table, JSON in --out; used by bench/run-suite).\n"
             "Closed loop by default (--connections, each as fast as it can); --rate R sends R "
             "requests/s\nat fixed intended times and measures latency from those times.");
  Options o;
  std::string url = "http://127.0.0.1:8888/v1", compare, duration = "10s", warmup = "2s",
              timeout = "10s", round = "2s", mix, sizes;
  app.add_option("workload", o.workload, "what to run (see below)")->required();
  app.add_option("--url", url, "server under test; a comma-separated list of nodes spreads the connections "
                 "over them (set-up on the first)")->capture_default_str();
  app.add_option("--compare", compare, "a second server (or list of nodes): run the same workload on both in "
                 "alternating rounds");
  app.add_option("-c,--connections", o.connections, "keep-alive connections")->capture_default_str();
  app.add_option("-r,--rate", o.rate, "open loop: total requests per second (default: closed loop)");
  auto* threads = app.add_option("-t,--threads", o.threads, "client threads")->capture_default_str();
  app.add_option("-d,--duration", duration, "measured time per server (10s, 500ms, 2m)")->capture_default_str();
  app.add_option("-w,--warmup", warmup, "load before measuring")->capture_default_str();
  app.add_option("--timeout", timeout, "per request")->capture_default_str();
  app.add_option("--round", round, "length of one --compare round")->capture_default_str();
  app.add_option("--prefill", o.prefill, "records to load before the run (default: 1000 for the workloads that read or update them, else 0)");
  app.add_option("--prefill-connections", o.prefill_connections, "parallel batch requests while prefilling")->capture_default_str();
  app.add_option("--users", o.users, "Basic-auth users the connections take turns with")->capture_default_str();
  app.add_option("--bucket", o.bucket, "bucket to use (default: a fresh bench-<random>)");
  app.add_option("--collection", o.collection, "collection to use")->capture_default_str();
  app.add_option("--record-size", o.record_size, "bytes of filler in each record")->capture_default_str();
  app.add_option("--schema", o.schema,
                 "a JSON Schema the collection gets (its records are validated when the server has "
                 "experimental_collection_schema_validation on)");
  app.add_option("--limit", o.limit, "read-list: _limit of the page (0: none, the server decides)")->capture_default_str();
  app.add_option("--batch-size", o.batch_size, "batch: sub-requests per batch (default: the server's batch_max_requests)");
  app.add_option("--mix", mix, "mixed: weights, e.g. read-one=70,read-list=10,create=10,update=10");
  app.add_option("--sizes", sizes, "scale: list sizes (default 1k,100k,1M)");
  app.add_option("--seed", o.seed, "random seed (default: from the clock)");
  app.add_option("--out", o.out, "suite: file for the JSON results")->capture_default_str();
  app.add_flag("--json", o.json, "print the results as JSON on stdout");
  app.add_flag("-q,--quiet", o.quiet, "no live line");
  app.add_flag("--keep", o.keep, "keep the bucket afterwards");

  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    outcome.exit_code = 0;
    outcome.message = app.help();
    return outcome;
  } catch (const CLI::ParseError& e) {
    return error(e.what());
  }

  if (o.workload != "scale" && o.workload != "suite" && !known_workload(o.workload))
    return error("unknown workload '" + o.workload + "'; choose one of " + join(workload_names()) +
                 ", scale, suite");
  std::string why;
  auto parsed_urls = parse_url_list(url, &why);
  if (!parsed_urls) return error("--url: " + why);
  o.urls = *parsed_urls;
  if (!compare.empty()) {
    auto other = parse_url_list(compare, &why);
    if (!other) return error("--compare: " + why);
    o.compare = *other;
    if (o.workload == "scale") return error("scale does not take --compare");
  } else if (o.workload == "suite") {
    return error("suite needs --compare <URL of the ceiling server>");
  }
  struct Time { const char* name; std::string text; double* into; bool zero_ok; };
  for (Time t : {Time{"--duration", duration, &o.duration, false}, Time{"--warmup", warmup, &o.warmup, true},
                 Time{"--timeout", timeout, &o.timeout, false}, Time{"--round", round, &o.round, false}}) {
    auto seconds = parse_seconds(t.text);
    if (!seconds || (!t.zero_ok && *seconds <= 0))
      return error(std::string(t.name) + ": '" + t.text + "' is not a duration (e.g. 10s, 500ms, 2m)");
    *t.into = *seconds;
  }
  if (o.connections < 1) return error("--connections must be at least 1");
  if (o.connections > 10000) return error("--connections is limited to 10000");
  if (threads->count() == 0) o.threads = std::min(o.threads, o.connections);
  if (o.threads < 1) return error("--threads must be at least 1");
  if (o.threads > o.connections)
    return error("--threads (" + std::to_string(o.threads) + ") cannot exceed --connections (" +
                 std::to_string(o.connections) + ")");
  if (o.rate < 0 || !std::isfinite(o.rate)) return error("--rate must be a positive number of requests per second");
  if (o.prefill < -1) return error("--prefill must be 0 or more");
  if (o.prefill_connections < 1) return error("--prefill-connections must be at least 1");
  if (o.users < 1) return error("--users must be at least 1");
  if (o.record_size < 0) return error("--record-size must be 0 or more");
  if (o.limit < 0) return error("--limit must be 0 or more");
  if (o.batch_size < 0) return error("--batch-size must be 0 or more");
  if (o.collection.empty()) return error("--collection may not be empty");
  if (!o.schema.empty() && !nlohmann::json::accept(o.schema)) return error("--schema is not JSON");
  if (!mix.empty()) {
    if (o.workload != "mixed") return error("--mix only applies to the mixed workload");
    auto parsed = parse_mix(mix, &why);
    if (!parsed) return error(why);
    o.mix = *parsed;
  } else if (o.workload == "mixed") {
    o.mix = default_mix();
  }
  if (!sizes.empty()) {
    if (o.workload != "scale") return error("--sizes only applies to scale");
    auto parsed = parse_sizes(sizes);
    if (!parsed) return error("--sizes: '" + sizes + "' is not a list of positive counts (e.g. 1k,100k,1M)");
    o.sizes = *parsed;
  }
  outcome.options = o;
  return outcome;
}

}  // namespace bench
