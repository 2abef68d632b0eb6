#include "tests/fault_workload.h"

#include <httplib.h>

#include <algorithm>
#include <memory>
#include <random>
#include <utility>

#include "ratchet/json.h"

namespace ratchet::testing {

namespace {

// "http://127.0.0.1:8888/v1" -> origin "http://127.0.0.1:8888", prefix "/v1".
struct NodeUrl {
  std::string origin;
  std::string prefix;
};

NodeUrl split_url(const std::string& base) {
  size_t scheme = base.find("://");
  size_t slash = base.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (slash == std::string::npos) return {base, ""};
  std::string prefix = base.substr(slash);
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  return {base.substr(0, slash), prefix};
}

// The path and query of an absolute URL (a Next-Page header).
std::string target_of(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  size_t slash = url.find('/', scheme + 3);
  return slash == std::string::npos ? "/" : url.substr(slash);
}

std::unique_ptr<httplib::Client> make_client(const std::string& node, const WorkloadOptions& o) {
  auto client = std::make_unique<httplib::Client>(split_url(node).origin);
  time_t sec = o.timeout_ms / 1000;
  time_t usec = (o.timeout_ms % 1000) * 1000;
  client->set_connection_timeout(sec, usec);
  client->set_read_timeout(sec, usec);
  client->set_write_timeout(sec, usec);
  client->set_keep_alive(true);
  client->set_basic_auth(o.user.c_str(), o.password.c_str());
  return client;
}

// An HTTP answer, or status 0 and the client's error when none came.
struct Answer {
  int status = 0;
  std::string error;
  httplib::Headers headers;
  std::string body;

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  std::string describe() const {
    if (status == 0) return error;
    return "status " + std::to_string(status) + " " + body.substr(0, 200);
  }
};

Answer send(httplib::Client& client, const std::string& method, const std::string& target,
            const std::string& body, httplib::Headers headers = {}) {
  httplib::Request req;
  req.method = method;
  req.path = target;
  req.headers = std::move(headers);
  if (!body.empty()) {
    req.body = body;
    req.set_header("Content-Type", "application/json");
  }
  Answer a;
  auto res = client.send(req);
  if (!res) {
    a.error = httplib::to_string(res.error());
    return a;
  }
  a.status = res->status;
  a.headers = res->headers;
  a.body = res->body;
  return a;
}

// The integer of a quoted ETag; 0 if it is not one.
int64_t parse_etag(const std::string& etag) {
  if (etag.size() < 3 || etag.front() != '"' || etag.back() != '"') return 0;
  int64_t v = 0;
  for (size_t i = 1; i + 1 < etag.size(); ++i) {
    if (etag[i] < '0' || etag[i] > '9') return 0;
    v = v * 10 + (etag[i] - '0');
  }
  return v;
}

Outcome outcome_of(const Answer& a) {
  if (a.status >= 200 && a.status < 300) return Outcome::kOk;
  if (a.status == 0 || a.status >= 500) return Outcome::kUnknown;
  return Outcome::kFailed;
}

// How long to wait after an answer that was not one: Retry-After, at most 1 s.
int pause_ms(const Answer& a) {
  std::string after = a.header("Retry-After");
  if (after.empty() || after.find_first_not_of("0123456789") != std::string::npos ||
      after.size() > 4) {
    return 100;
  }
  return std::clamp(std::stoi(after) * 1000, 50, 1000);
}

// The timestamp of a write's answer: its ETag, else data.last_modified.
int64_t written_timestamp(const Answer& a) {
  int64_t etag = parse_etag(a.header("ETag"));
  if (etag > 0) return etag;
  Json body = Json::parse(a.body, nullptr, false);
  if (body.is_object() && body.contains("data") && body["data"].is_object()) {
    const Json& lm = body["data"].value("last_modified", Json());
    if (lm.is_number_integer()) return lm.get<int64_t>();
  }
  return 0;
}

std::string records_path(const WorkloadOptions& o, const std::string& prefix,
                         const std::string& collection) {
  return prefix + "/buckets/" + o.bucket + "/collections/" + collection + "/records";
}

std::string record_id(int n) { return (n < 10 ? "r0" : "r") + std::to_string(n); }

RecordState record_state(const Json& item) {
  RecordState r;
  const Json& lm = item.value("last_modified", Json());
  if (lm.is_number_integer()) r.last_modified = lm.get<int64_t>();
  const Json& v = item.value("v", Json());
  r.value = v.is_string() ? v.get<std::string>() : "<no string v: " + item.dump() + ">";
  return r;
}

// Every page of one collection's records, all under the first page's ETag.
// Returns "" or what failed; `*found` is false when the collection is 404.
std::string read_collection(httplib::Client& client, const std::string& path, int page_size,
                            CollectionState* out, bool* found) {
  *out = CollectionState();
  *found = false;
  std::string target = path + "?_limit=" + std::to_string(page_size);
  for (bool first = true; !target.empty(); first = false) {
    Answer a = send(client, "GET", target, "");
    if (first && a.status == 404) return "";
    if (a.status != 200) return target + ": " + a.describe();
    int64_t etag = parse_etag(a.header("ETag"));
    if (first) out->timestamp = etag;
    if (etag != out->timestamp) return "the list changed while it was read";
    Json body = Json::parse(a.body, nullptr, false);
    if (!body.is_object() || !body.contains("data") || !body["data"].is_array()) {
      return target + ": not a list: " + a.body.substr(0, 200);
    }
    for (const Json& item : body["data"]) {
      if (item.contains("id") && item["id"].is_string()) {
        out->records[item["id"].get<std::string>()] = record_state(item);
      }
    }
    std::string next = a.header("Next-Page");
    target = next.empty() ? "" : target_of(next);
  }
  *found = true;
  return "";
}

}  // namespace

// One writer thread's clients (one per node: httplib clients are not shared)
// and its random choices.
struct FaultWorkload::Writer {
  int id = 0;
  std::vector<std::unique_ptr<httplib::Client>> clients;
  std::mt19937_64 rng;
  uint64_t ops = 0;     // operations begun so far
  uint64_t values = 0;  // values written so far

  size_t node_for(const WorkloadOptions& o, uint64_t op, bool write) const {
    if (o.pick_node) return o.pick_node(id, op, write) % clients.size();
    size_t n = clients.size();
    size_t read = (static_cast<size_t>(id) + op) % n;
    return write ? (read + 1 + op / n) % n : read;
  }
};

FaultWorkload::FaultWorkload(WorkloadOptions options) : options_(std::move(options)) {}

FaultWorkload::~FaultWorkload() { stop(); }

std::string FaultWorkload::prepare(std::chrono::milliseconds timeout) {
  if (options_.nodes.empty()) return "no nodes";
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<std::string> paths{"/buckets/" + options_.bucket};
  for (const std::string& c : options_.collections) {
    paths.push_back("/buckets/" + options_.bucket + "/collections/" + c);
  }
  size_t n = 0;
  for (const std::string& path : paths) {
    while (true) {
      const std::string& node = options_.nodes[n];
      auto client = make_client(node, options_);
      Answer a = send(*client, "PUT", split_url(node).prefix + path, "{\"data\":{}}",
                      {{"If-None-Match", "*"}});
      if (a.status == 201 || a.status == 412) break;  // created, or already there
      if (std::chrono::steady_clock::now() > deadline) return node + path + ": " + a.describe();
      n = (n + 1) % options_.nodes.size();
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
  return "";
}

void FaultWorkload::start() {
  stopping_ = false;
  for (int i = 0; i < options_.writers; ++i) {
    threads_.emplace_back([this, i] { run_writer(i); });
  }
}

void FaultWorkload::stop() {
  stopping_ = true;
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

void FaultWorkload::run_writer(int id) {
  Writer w;
  w.id = id;
  w.rng.seed(options_.seed * 1000003 + static_cast<uint64_t>(id));
  for (const std::string& node : options_.nodes) w.clients.push_back(make_client(node, options_));
  if (w.clients.empty()) return;
  while (!stopping_) step(w);
}

// One operation: read the record's ETag, then update or delete it with
// If-Match, or create it with If-None-Match: * when it is missing.
void FaultWorkload::step(Writer& w) {
  const std::string& collection = options_.collections[w.rng() % options_.collections.size()];
  std::string record = record_id(static_cast<int>(w.rng() % options_.records));
  uint64_t k = w.ops++;
  size_t n = w.node_for(options_, k, false);
  std::string prefix = split_url(options_.nodes[n]).prefix;
  Answer read = send(*w.clients[n], "GET", records_path(options_, prefix, collection) + "/" +
                                               record, "");
  if (read.status == 404) return write(w, k, OpKind::kCreate, collection, record, 0);
  int64_t etag = read.status == 200 ? parse_etag(read.header("ETag")) : 0;
  if (etag <= 0) return pause(pause_ms(read));
  bool remove = std::uniform_real_distribution<double>(0, 1)(w.rng) < options_.delete_ratio;
  write(w, k, remove ? OpKind::kDelete : OpKind::kUpdate, collection, record, etag);
}

void FaultWorkload::write(Writer& w, uint64_t k, OpKind kind, const std::string& collection,
                          const std::string& record, int64_t etag) {
  Operation op;
  op.client = w.id;
  op.bucket = options_.bucket;
  op.collection = collection;
  op.record = record;
  op.kind = kind;
  op.if_match = kind == OpKind::kCreate ? 0 : etag;
  if (kind != OpKind::kDelete) {
    op.value = "c" + std::to_string(w.id) + "-" + std::to_string(++w.values);
  }
  size_t n = w.node_for(options_, k, true);
  op.node = options_.nodes[n];
  std::string target = records_path(options_, split_url(op.node).prefix, collection) + "/" + record;
  httplib::Headers headers;
  if (kind == OpKind::kCreate) {
    headers.emplace("If-None-Match", "*");
  } else {
    headers.emplace("If-Match", "\"" + std::to_string(etag) + "\"");
  }
  std::string body = kind == OpKind::kDelete ? "" : Json{{"data", {{"v", op.value}}}}.dump();
  op.invoke_us = now_us();
  Answer a = send(*w.clients[n], kind == OpKind::kDelete ? "DELETE" : "PUT", target, body,
                  std::move(headers));
  op.complete_us = now_us();
  op.status = a.status;
  op.outcome = outcome_of(a);
  if (op.outcome == Outcome::kOk) {
    op.last_modified = written_timestamp(a);
  } else {
    op.error = a.status == 0 ? a.error : a.body.substr(0, 200);
  }
  Outcome outcome = op.outcome;
  history_.add(std::move(op));
  if (outcome == Outcome::kOk) ++acknowledged_;
  if (outcome == Outcome::kUnknown) pause(pause_ms(a));
}

// Sleeps `ms`, or less when stop() is called meanwhile.
void FaultWorkload::pause(int ms) const {
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (!stopping_ && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

NodeState read_node_state(const std::string& node, const WorkloadOptions& options) {
  NodeState state;
  state.node = node;
  auto client = make_client(node, options);
  std::string prefix = split_url(node).prefix;
  for (const std::string& collection : options.collections) {
    CollectionState coll;
    bool found = false;
    std::string error;
    for (int attempt = 0; attempt < 3; ++attempt) {
      error = read_collection(*client, records_path(options, prefix, collection),
                              options.page_size, &coll, &found);
      if (error.empty()) break;
    }
    if (!error.empty()) {
      state.error = collection_key(options.bucket, collection) + ": " + error;
      return state;
    }
    if (found) state.collections[collection_key(options.bucket, collection)] = std::move(coll);
  }
  return state;
}

std::vector<NodeState> final_state(const std::vector<std::string>& urls,
                                   const WorkloadOptions& options) {
  std::vector<NodeState> states;
  for (const std::string& url : urls) states.push_back(read_node_state(url, options));
  return states;
}

}  // namespace ratchet::testing
