#include "bench/workloads.h"

#include <atomic>
#include <nlohmann/json.hpp>
#include <random>

#include "bench/client.h"
#include "bench/url.h"

namespace bench {
namespace {

using nlohmann::json;

constexpr int kMaxRetries = 20;       // update: 412s in a row before giving up
constexpr int kMaxPages = 1000000;    // sync: pages of one pull before giving up

std::string brief(const Request& request, const Response& response) {
  return describe_failure(request, response);
}

// What every session has: the shared fixture, its user, a random stream.
class BasicSession : public Session {
 public:
  BasicSession(const Fixture& f, int index, uint64_t seed)
      : f_(f), auth_(f.authorizations.empty() ? "" : f.authorizations[index % f.authorizations.size()]),
        rng_(seed) {}

 protected:
  Request make(const std::string& method, std::string target, std::string body = "") {
    Request r;
    r.method = method;
    r.target = std::move(target);
    r.body = std::move(body);
    if (!auth_.empty()) r.headers.emplace_back("Authorization", auth_);
    last_ = r;
    return r;
  }
  size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  // A prefilled record's index; raw targets have none, any id will do.
  size_t pick_record() { return f_.records.empty() ? 0 : pick(f_.records.size()); }
  std::string record_target(size_t i) {
    return f_.records_target() + "/" + (f_.records.empty() ? record_id(0) : f_.records[i].id);
  }
  Step judge(const Response& response) { return judge_status(last_, response); }

  const Fixture& f_;
  std::string auth_;
  std::mt19937_64 rng_;
  Request last_;
};

class ReadOne : public BasicSession {
 public:
  using BasicSession::BasicSession;
  Request begin() override { return make("GET", record_target(pick_record())); }
  Step next(const Response& r) override { return judge(r); }
};

class ReadList : public BasicSession {
 public:
  ReadList(const Fixture& f, int index, uint64_t seed, int limit)
      : BasicSession(f, index, seed),
        target_(f.records_target() + (limit > 0 ? "?_limit=" + std::to_string(limit) : "")) {}
  Request begin() override { return make("GET", target_); }
  Step next(const Response& r) override { return judge(r); }

 private:
  std::string target_;
};

class Create : public BasicSession {
 public:
  Create(const Fixture& f, int index, uint64_t seed) : BasicSession(f, index, seed), n_(int64_t{index} << 32) {}
  Request begin() override {
    return make("POST", f_.records_target(), "{\"data\":" + record_data(n_++, f_.filler) + "}");
  }
  Step next(const Response& r) override { return judge(r); }

 private:
  int64_t n_;
};

// The last known timestamp of each prefilled record, shared by the update
// sessions of one workload, as one client that several connections serve.
class KnownTimestamps {
 public:
  explicit KnownTimestamps(const std::vector<RecordRef>& records) : ts_(records.size()) {
    for (size_t i = 0; i < records.size(); ++i) ts_[i].store(records[i].last_modified);
  }
  int64_t get(size_t i) const { return i < ts_.size() ? ts_[i].load(std::memory_order_relaxed) : 0; }
  // Keeps the newest: an answer that arrives late does not move it back.
  void learn(size_t i, int64_t ts) {
    if (i >= ts_.size()) return;
    int64_t seen = ts_[i].load(std::memory_order_relaxed);
    while (ts > seen && !ts_[i].compare_exchange_weak(seen, ts, std::memory_order_relaxed)) {
    }
  }

 private:
  std::vector<std::atomic<int64_t>> ts_;
};

// PUT with If-Match on the prefilled records, picked at random by every
// connection. A 412 means another connection got there first (a real race):
// take the current timestamp from the answer and retry, as a sync client
// resolving a conflict would.
class Update : public BasicSession {
 public:
  Update(const Fixture& f, int index, uint64_t seed, std::shared_ptr<KnownTimestamps> known)
      : BasicSession(f, index, seed), known_(std::move(known)), n_(int64_t{index} << 32) {}
  Request begin() override {
    current_ = pick_record();
    retries_ = 0;
    return put(known_->get(current_));
  }
  Step next(const Response& r) override {
    if (!f_.kinto) return judge(r);
    if (r.status == 200 || r.status == 201) {
      int64_t ts = parse_etag(r.header("etag"));
      if (ts > 0) known_->learn(current_, ts);
      return {};
    }
    if (r.status != 412) return judge(r);
    Step step;
    int64_t ts = current_timestamp(r);
    if (ts < 0) {
      step.success = false;
      step.error_kind = "412 without the current timestamp";
      step.error = brief(last_, r) + " (no ETag and no details.existing.last_modified)";
      return step;
    }
    if (++retries_ > kMaxRetries) {
      step.success = false;
      step.error_kind = "gave up after " + std::to_string(kMaxRetries) + " conflicts";
      step.error = "PUT " + last_.target + ": still 412 after " + std::to_string(kMaxRetries) + " retries";
      return step;
    }
    known_->learn(current_, ts);
    step.retry = true;
    step.follow_up = put(ts);
    return step;
  }

 private:
  static int64_t current_timestamp(const Response& r) {
    int64_t ts = parse_etag(r.header("etag"));
    if (ts > 0) return ts;
    auto body = json::parse(r.body, nullptr, false);
    if (body.is_object() && body.contains("details") && body["details"].contains("existing"))
      return body["details"]["existing"].value("last_modified", int64_t{-1});
    return -1;
  }
  Request put(int64_t ts) {
    Request r = make("PUT", record_target(current_), "{\"data\":" + record_data(n_++, f_.filler) + "}");
    r.headers.emplace_back("If-Match", "\"" + std::to_string(ts) + "\"");
    last_ = r;
    return r;
  }

  std::shared_ptr<KnownTimestamps> known_;
  size_t current_ = 0;
  int retries_ = 0;
  int64_t n_;
};

// A kinto.js pull: GET records?_sort=-last_modified&_since=<last ETag>,
// following Next-Page to the end; the last page's ETag is the next _since.
class Sync : public BasicSession {
 public:
  Sync(const Fixture& f, int index, uint64_t seed, int64_t since)
      : BasicSession(f, index, seed), node_(f.node(index)), since_(since) {}
  Request begin() override {
    pages_ = 0;
    std::string target = f_.records_target() + "?_sort=-last_modified";
    if (since_ > 0) target += "&_since=" + std::to_string(since_);
    return make("GET", target);
  }
  Step next(const Response& r) override {
    Step step = judge(r);
    if (!step.success || !f_.kinto) return step;
    std::string next_page = r.header("next-page");
    if (next_page.empty()) {
      int64_t ts = parse_etag(r.header("etag"));
      if (ts > 0) since_ = ts;
      return step;
    }
    auto target = same_server_target(node_, next_page);
    if (!target) {
      step.success = false;
      step.error_kind = "Next-Page on another server";
      step.error = "GET " + last_.target + ": Next-Page '" + next_page + "' names another server";
    } else if (++pages_ > kMaxPages) {
      step.success = false;
      step.error_kind = "too many pages";
      step.error = "GET " + last_.target + ": more than " + std::to_string(kMaxPages) + " pages";
    } else {
      step.follow_up = make("GET", *target);
    }
    return step;
  }

 private:
  const Url& node_;  // the server of this session's connection, which Next-Page names
  int64_t since_;
  int pages_ = 0;
};

// kinto.js's push: one POST /v1/batch creating N records with client ids
// and If-None-Match: *. Every sub-response must be 2xx.
class Batch : public BasicSession {
 public:
  Batch(const Fixture& f, int index, uint64_t seed, int size)
      : BasicSession(f, index, seed), index_(index), size_(size) {}
  Request begin() override {
    std::string body = "{\"defaults\":{\"method\":\"PUT\",\"headers\":{\"If-None-Match\":\"*\"}},\"requests\":[";
    std::string prefix = f_.records_path() + "/b" + std::to_string(index_) + "-" + nonce();
    for (int i = 0; i < size_; ++i) {
      if (i) body += ',';
      body += "{\"path\":\"" + prefix + "-" + std::to_string(n_) + "\",\"body\":{\"data\":" +
              record_data(n_, f_.filler) + "}}";
      ++n_;
    }
    body += "]}";
    return make("POST", f_.url.target("/batch"), std::move(body));
  }
  Step next(const Response& r) override {
    Step step = judge(r);
    if (!step.success || !f_.kinto) return step;
    auto body = json::parse(r.body, nullptr, false);
    const json* responses = body.is_object() && body.contains("responses") ? &body["responses"] : nullptr;
    if (!responses || !responses->is_array() || static_cast<int>(responses->size()) != size_) {
      step.success = false;
      step.error_kind = "batch answer without one response per sub-request";
      step.error = "POST " + last_.target + ": the answer does not hold " + std::to_string(size_) + " responses";
      return step;
    }
    for (const auto& sub : *responses) {
      int status = sub.value("status", 0);
      step.sub_statuses.push_back(status);
      if ((status < 200 || status > 299) && step.success) {
        step.success = false;
        step.error_kind = "batch sub-request " + std::to_string(status);
        step.error = "POST " + last_.target + ": sub-request " + sub.value("path", std::string()) +
                     " answered " + std::to_string(status) + ": " + sub.value("body", json()).dump().substr(0, 200);
      }
    }
    return step;
  }

 private:
  // Ids stay unique when a bucket is reused with --bucket.
  std::string nonce() {
    if (nonce_.empty()) nonce_ = std::to_string(rng_() % 1000000000);
    return nonce_;
  }
  int index_;
  int size_;
  int64_t n_ = 0;
  std::string nonce_;
};

class Heartbeat : public BasicSession {
 public:
  using BasicSession::BasicSession;
  Request begin() override { return make("GET", f_.url.target("/__heartbeat__")); }
  Step next(const Response& r) override { return judge(r); }
};

// Each operation is one of the components, drawn by weight.
class Mixed : public Session {
 public:
  Mixed(std::vector<std::unique_ptr<Session>> parts, const std::vector<double>& weights, uint64_t seed)
      : parts_(std::move(parts)), pick_(weights.begin(), weights.end()), rng_(seed) {}
  Request begin() override {
    current_ = pick_(rng_);
    return parts_[current_]->begin();
  }
  Step next(const Response& r) override { return parts_[current_]->next(r); }
  void abandon() override { parts_[current_]->abandon(); }

 private:
  std::vector<std::unique_ptr<Session>> parts_;
  std::discrete_distribution<size_t> pick_;
  std::mt19937_64 rng_;
  size_t current_ = 0;
};

class Factory : public Workload {
 public:
  Factory(const Options& o, const Fixture& f, int64_t since)
      : o_(o), f_(f), since_(since), known_(std::make_shared<KnownTimestamps>(f.records)) {}
  std::unique_ptr<Session> session(int index, uint64_t seed) override {
    if (o_.workload != "mixed") return one(o_.workload, index, seed);
    std::vector<std::unique_ptr<Session>> parts;
    std::vector<double> weights;
    for (const auto& [name, weight] : o_.mix) {
      parts.push_back(one(name, index, seed + parts.size() + 1));
      weights.push_back(weight);
    }
    return std::make_unique<Mixed>(std::move(parts), weights, seed);
  }

 private:
  std::unique_ptr<Session> one(const std::string& name, int index, uint64_t seed) {
    if (name == "read-one") return std::make_unique<ReadOne>(f_, index, seed);
    if (name == "read-list") return std::make_unique<ReadList>(f_, index, seed, o_.limit);
    if (name == "create") return std::make_unique<Create>(f_, index, seed);
    if (name == "update") return std::make_unique<Update>(f_, index, seed, known_);
    if (name == "sync") return std::make_unique<Sync>(f_, index, seed, since_);
    if (name == "batch") {
      int size = o_.batch_size > 0 ? o_.batch_size : f_.batch_chunk();
      if (f_.batch_max > 0) size = std::min(size, f_.batch_max);
      return std::make_unique<Batch>(f_, index, seed, size);
    }
    if (name == "heartbeat") return std::make_unique<Heartbeat>(f_, index, seed);
    throw std::invalid_argument("unknown workload " + name);
  }
  const Options& o_;
  const Fixture& f_;
  int64_t since_;
  std::shared_ptr<KnownTimestamps> known_;
};

bool uses(const Options& o, const std::string& name) {
  if (o.workload == name) return true;
  if (o.workload != "mixed") return false;
  for (const auto& [part, weight] : o.mix)
    if (part == name && weight > 0) return true;
  return false;
}

}  // namespace

Step judge_status(const Request& request, const Response& response) {
  Step step;
  if (response.status >= 200 && response.status <= 299) return step;
  step.success = false;
  step.error_kind = "status " + std::to_string(response.status);
  step.error = brief(request, response);
  return step;
}

int64_t default_prefill(const Options& o) {
  if (o.prefill >= 0) return o.prefill;
  for (const char* name : {"read-one", "read-list", "update", "sync"})
    if (uses(o, name)) return 1000;
  return 0;
}

std::string check_fixture(const Options& o, const Fixture& f) {
  if (!f.kinto) return "";
  for (const char* name : {"read-one", "update"})
    if (uses(o, name) && f.records.empty())
      return std::string(name) + " needs records to work on: use --prefill 1 or more";
  if (o.batch_size > 0 && f.batch_max > 0 && o.batch_size > f.batch_max)
    return "--batch-size " + std::to_string(o.batch_size) + " exceeds the server's batch_max_requests (" +
           std::to_string(f.batch_max) + ")";
  return "";
}

std::unique_ptr<Workload> make_workload(const Options& options, const Fixture& fixture, int64_t since) {
  return std::make_unique<Factory>(options, fixture, since);
}

}  // namespace bench
