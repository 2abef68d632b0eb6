#include "cluster/etcd_client.h"

#include <httplib.h>

#include <algorithm>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "core/crypto.h"

namespace ratchet {

using nlohmann::json;

namespace {

constexpr int kNotFound = 5;  // the gRPC code of "requested lease not found"

// 64-bit integers travel as strings; an absent field is 0.
int64_t integer(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end()) return 0;
  return it->is_string() ? std::stoll(it->get<std::string>()) : it->get<int64_t>();
}

// Keys and values travel as base64; an absent field is empty.
std::string bytes(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end()) return "";
  std::optional<std::string> decoded = base64_decode(it->get<std::string>());
  if (!decoded) throw std::runtime_error("etcd sent invalid base64 in " + object.dump());
  return std::move(*decoded);
}

KeyValue key_value(const json& kv) {
  return KeyValue{bytes(kv, "key"), bytes(kv, "value"), integer(kv, "mod_revision"),
                  integer(kv, "lease")};
}

// The end of the keys that start with `prefix`: the prefix with its last byte + 1 (trailing
// 0xff bytes dropped first); "\0" (no end) when there is none.
std::string prefix_end(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xff) prefix.pop_back();
  if (prefix.empty()) return std::string(1, '\0');
  ++prefix.back();
  return prefix;
}

// The range of every key that starts with `prefix` (etcd refuses an empty key: "\0" is
// the first key).
json prefix_range(const std::string& prefix) {
  std::string first = prefix.empty() ? std::string(1, '\0') : prefix;
  return {{"key", base64_encode(first)}, {"range_end", base64_encode(prefix_end(prefix))}};
}

// A txn that runs `success` when `compare` holds.
json txn(json compare, json success) {
  return {{"compare", json::array({std::move(compare)})},
          {"success", json::array({std::move(success)})}};
}

// A POST of `body` whose answer goes to `receive` as it comes.
httplib::Request json_post(const std::string& path, std::string body,
                           httplib::ContentReceiverWithProgress receive) {
  httplib::Request req;
  req.method = "POST";
  req.path = path;
  req.body = std::move(body);
  req.set_header("Content-Type", "application/json");
  req.content_receiver = std::move(receive);
  return req;
}

// Whether etcd answered with `status` because this member cannot serve now (another may).
bool member_failed(int status) { return status >= 500 || status == 408 || status == 429; }

// A refusal's HTTP status: a stream (keepalive, watch) tells it inside the body.
int status_of(const json& answer, int status) {
  auto error = answer.find("error");
  if (error != answer.end() && error->is_object()) return error->value("http_code", 500);
  return status;
}

}  // namespace

// One member: where it is and its idle keep-alive connections.
struct EtcdClient::Endpoint {
  const std::string url;
  const std::chrono::milliseconds timeout;
  const std::string source_address;
  std::mutex mu;
  std::vector<std::unique_ptr<httplib::Client>> idle;  // guarded by mu

  std::unique_ptr<httplib::Client> connect(std::chrono::milliseconds read_timeout) const {
    auto client = std::make_unique<httplib::Client>(url);
    client->set_tcp_nodelay(true);  // else Nagle and delayed ACKs add ~45 ms to each call
    client->set_keep_alive(true);
    client->set_connection_timeout(timeout);
    client->set_read_timeout(read_timeout);
    client->set_write_timeout(timeout);
    if (!source_address.empty()) client->set_interface(source_address);
    return client;
  }

  std::unique_ptr<httplib::Client> take() {
    std::lock_guard<std::mutex> lock(mu);
    if (idle.empty()) return connect(timeout);
    std::unique_ptr<httplib::Client> client = std::move(idle.back());
    idle.pop_back();
    return client;
  }

  void give_back(std::unique_ptr<httplib::Client> client) {
    std::lock_guard<std::mutex> lock(mu);
    idle.push_back(std::move(client));
  }

  // The member's answer (or refusal), or nullopt when it failed, with the reason in `error`.
  std::optional<json> post(const std::string& path, const std::string& body,
                           std::string* error) {
    std::string text;
    auto receive = [&](const char* data, size_t size, uint64_t, uint64_t) {
      text.append(data, size);
      return true;
    };
    httplib::Request req = json_post(path, body, receive);
    httplib::Response res;
    httplib::Error transport = httplib::Error::Success;
    std::unique_ptr<httplib::Client> client = take();
    // etcd ends each refusal with an HTTP trailer, which cpp-httplib 0.11 cannot read: send()
    // fails once the whole body has come. The connection goes with `client`.
    if (client->send(req, res, transport)) give_back(std::move(client));
    json answer = json::parse(text, nullptr, false);
    if (!answer.is_object()) {
      *error = transport != httplib::Error::Success ? httplib::to_string(transport)
                                                    : "HTTP " + std::to_string(res.status);
      return std::nullopt;
    }
    if (member_failed(status_of(answer, res.status))) {
      *error = answer.dump();
      return std::nullopt;
    }
    return answer;
  }
};

// What a watch has seen, across its connections.
struct EtcdClient::WatchState {
  explicit WatchState(json keys) : range(std::move(keys)) {}

  const json range;      // the keys watched
  int64_t next = 0;      // the first revision not yet seen; 0: from now on
  bool created = false;  // etcd started the watch on the current connection
  std::string pending;   // the unfinished line of the stream
  std::string error;     // why etcd ended the watch, if it refused it

  // The request that goes on from `next`.
  json request() const {
    json create = range;
    if (next > 0) create["start_revision"] = std::to_string(next);
    return {{"create_request", std::move(create)}};
  }

  // Takes a chunk of the stream: newline-separated JSON messages. False to end it.
  bool receive(std::string_view chunk, const std::function<void()>& changed) {
    pending.append(chunk);
    for (size_t end; (end = pending.find('\n')) != std::string::npos;) {
      json message = json::parse(std::string_view(pending).substr(0, end), nullptr, false);
      pending.erase(0, end + 1);
      if (!apply(message, changed)) return false;
    }
    return true;
  }

  bool apply(const json& message, const std::function<void()>& changed) {
    auto result = message.find("result");
    if (result == message.end()) {
      error = message.dump();
      return false;
    }
    if (result->value("created", false)) {
      created = true;
      if (next == 0) next = integer(result->value("header", json::object()), "revision") + 1;
    }
    if (integer(*result, "compact_revision") > 0) {  // changes were missed: start from now
      next = 0;
      changed();
      return false;
    }
    if (result->value("canceled", false)) {
      error = "canceled: " + result->value("cancel_reason", std::string());
      return false;
    }
    auto events = result->find("events");
    if (events == result->end() || events->empty()) return true;
    for (const json& event : *events) {
      next = std::max(next, integer(event.at("kv"), "mod_revision") + 1);
    }
    changed();
    return true;
  }
};

EtcdClient::EtcdClient(std::vector<std::string> endpoints, int timeout_ms,
                       std::string source_address)
    : timeout_(timeout_ms), source_address_(std::move(source_address)) {
  if (endpoints.empty()) throw std::invalid_argument("etcd: no endpoint");
  for (std::string& url : endpoints) {
    // Braces: clang 14 (the fuzz build) has no parenthesized aggregate init.
    endpoints_.push_back(
        std::unique_ptr<Endpoint>(new Endpoint{std::move(url), timeout_, source_address_}));
    Endpoint& endpoint = *endpoints_.back();
    std::unique_ptr<httplib::Client> client = endpoint.connect(timeout_);
    if (!client->is_valid()) throw std::invalid_argument("etcd: bad endpoint " + endpoint.url);
    endpoint.give_back(std::move(client));
  }
}

EtcdClient::~EtcdClient() = default;

json EtcdClient::request(const std::string& path, const json& body) {
  const std::string text = body.dump();
  const size_t first = preferred_.load();
  std::string failures;
  for (size_t i = 0; i < endpoints_.size(); ++i) {
    const size_t at = (first + i) % endpoints_.size();
    std::string error;
    if (std::optional<json> answer = endpoints_[at]->post(path, text, &error)) {
      preferred_.store(at);
      return std::move(*answer);
    }
    failures += (failures.empty() ? "" : ", ") + endpoints_[at]->url + " (" + error + ")";
  }
  throw ConfigStoreUnavailable("etcd " + path + " failed on every member: " + failures);
}

json EtcdClient::call(const std::string& path, const json& body) {
  json answer = request(path, body);
  if (answer.contains("error")) {
    throw std::runtime_error("etcd refused " + path + ": " + answer.dump());
  }
  return answer;
}

int64_t EtcdClient::grant_lease(int ttl_seconds) {
  return integer(call("/v3/lease/grant", {{"TTL", ttl_seconds}}), "ID");
}

bool EtcdClient::keep_alive(int64_t lease) {
  json answer = call("/v3/lease/keepalive", {{"ID", std::to_string(lease)}});
  return integer(answer.value("result", json::object()), "TTL") > 0;  // no TTL: expired
}

std::optional<KeyValue> EtcdClient::get(const std::string& key) {
  json answer = call("/v3/kv/range", {{"key", base64_encode(key)}});
  auto kvs = answer.find("kvs");
  if (kvs == answer.end() || kvs->empty()) return std::nullopt;
  return key_value(kvs->front());
}

std::vector<KeyValue> EtcdClient::list(const std::string& prefix) {
  json answer = call("/v3/kv/range", prefix_range(prefix));
  std::vector<KeyValue> out;
  for (const json& kv : answer.value("kvs", json::array())) out.push_back(key_value(kv));
  return out;
}

bool EtcdClient::compare_and_put(const std::string& key, const std::string& value,
                                 int64_t expected, int64_t lease) {
  const std::string k = base64_encode(key);
  json compare = expected == 0
                     ? json{{"key", k}, {"target", "CREATE"}, {"result", "EQUAL"},
                            {"create_revision", "0"}}
                     : json{{"key", k}, {"target", "MOD"}, {"result", "EQUAL"},
                            {"mod_revision", std::to_string(expected)}};
  json put = {{"key", k}, {"value", base64_encode(value)}};
  if (lease != 0) put["lease"] = std::to_string(lease);
  json answer = request("/v3/kv/txn", txn(std::move(compare), {{"request_put", std::move(put)}}));
  if (answer.value("code", 0) == kNotFound) return false;  // the lease has expired
  if (answer.contains("error")) throw std::runtime_error("etcd refused a put: " + answer.dump());
  return answer.value("succeeded", false);
}

bool EtcdClient::compare_and_delete(const std::string& key, int64_t expected) {
  const std::string k = base64_encode(key);
  json compare = {{"key", k}, {"target", "MOD"}, {"result", "EQUAL"},
                  {"mod_revision", std::to_string(expected)}};
  json remove = {{"request_delete_range", {{"key", k}}}};
  json answer = call("/v3/kv/txn", txn(std::move(compare), std::move(remove)));
  return answer.value("succeeded", false);
}

void EtcdClient::watch(const std::string& prefix, const std::function<void()>& changed,
                       const std::function<bool()>& stop) {
  WatchState state(prefix_range(prefix));
  size_t at = preferred_.load();
  size_t failed = 0;  // members that failed in a row
  std::string failures;
  while (!stop()) {
    const Endpoint& endpoint = *endpoints_[at % endpoints_.size()];
    std::string error;
    if (watch_on(endpoint, state, changed, stop, &error)) {
      failed = 0;
      failures.clear();
      continue;
    }
    failures += (failures.empty() ? "" : ", ") + endpoint.url + " (" + error + ")";
    if (++failed == endpoints_.size() && !stop()) {
      throw ConfigStoreUnavailable("etcd watch failed on every member: " + failures);
    }
    ++at;
  }
}

bool EtcdClient::watch_on(const Endpoint& endpoint, WatchState& state,
                          const std::function<void()>& changed,
                          const std::function<bool()>& stop, std::string* error) {
  std::unique_ptr<httplib::Client> client = endpoint.connect(kWatchPoll);
  auto receive = [&](const char* data, size_t size, uint64_t, uint64_t) {
    return state.receive(std::string_view(data, size), changed) && !stop();
  };
  httplib::Request req = json_post("/v3/watch", state.request().dump(), receive);
  state.created = false;
  state.pending.clear();
  state.error.clear();
  httplib::Response res;
  httplib::Error transport = httplib::Error::Success;
  client->send(req, res, transport);  // ends on a quiet kWatchPoll, on stop, or on an error
  *error = !state.error.empty() ? state.error : httplib::to_string(transport) + state.pending;
  return state.error.empty() && state.created;
}

}  // namespace ratchet
