#include "bench/fixture.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "bench/client.h"
#include "bench/progress.h"

namespace bench {
namespace {

using nlohmann::json;

Request make(const std::string& method, const std::string& target, std::string body = "") {
  Request r;
  r.method = method;
  r.target = target;
  r.body = std::move(body);
  return r;
}

std::string fresh_bucket_name() {
  std::random_device device;
  char name[32];
  std::snprintf(name, sizeof name, "bench-%08x", device());
  return name;
}

std::string make_filler(int size) {
  std::string s(static_cast<size_t>(size), 'x');
  for (size_t i = 0; i < s.size(); ++i) s[i] = static_cast<char>('a' + i % 26);
  return s;
}

}  // namespace

std::string Fixture::records_path() const {
  return "/buckets/" + bucket + "/collections/" + collection + "/records";
}

std::string record_id(int64_t n) {
  char id[24];
  std::snprintf(id, sizeof id, "r%08lld", static_cast<long long>(n));
  return id;
}

std::string record_data(int64_t n, const std::string& filler) {
  return "{\"title\":\"record " + std::to_string(n) + "\",\"n\":" + std::to_string(n) +
         ",\"done\":false,\"payload\":\"" + filler + "\"}";
}

int64_t parse_etag(const std::string& etag) {
  std::string digits;
  for (char c : etag) {
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c != '"' && c != ' ') {
      return -1;
    }
  }
  if (digits.empty() || digits.size() > 18) return -1;
  return std::stoll(digits);
}

Fixture set_up(const std::vector<Url>& urls, const Options& options) {
  const Url& url = urls.front();
  Fixture f;
  f.url = url;
  f.nodes = urls;
  f.timeout = options.timeout;
  f.prefill_connections = options.prefill_connections;
  f.collection = options.collection;
  f.bucket = options.bucket.empty() ? fresh_bucket_name() : options.bucket;
  f.filler = make_filler(options.record_size);
  for (int i = 0; i < options.users; ++i)
    f.authorizations.push_back(basic_auth("bench-user-" + std::to_string(i), "bench-secret"));

  Client client(url, options.timeout);
  Request hello = make("GET", url.target("/"));
  json body;
  try {
    body = client.expect_json(hello);
  } catch (const ProtocolError& e) {
    throw ProtocolError(std::string(e.what()) + " (is " + url.str() + " the root of a Kinto API, such as http://host:port/v1?)");
  }
  if (!body.is_object() || !body.contains("http_api_version")) {
    f.kinto = false;
    return f;
  }
  if (body.contains("settings") && body["settings"].is_object()) {
    const json& max = body["settings"].value("batch_max_requests", json());
    f.batch_max = max.is_number_integer() ? max.get<int>() : 0;
  }
  for (const auto& auth : f.authorizations) {
    json me = client.expect_json(hello, auth);
    if (!me.contains("user") || !me["user"].is_object() || !me["user"].contains("id"))
      throw ProtocolError("GET " + hello.target +
                          " with Basic auth did not name a user: is basicauth enabled on the server?");
    f.user_ids.push_back(me["user"]["id"].get<std::string>());
  }
  json bucket = {{"data", json::object()}, {"permissions", {{"write", f.user_ids}}}};
  client.expect_json(make("PUT", url.target("/buckets/" + f.bucket), bucket.dump()), f.authorizations[0]);
  json collection = {{"data", json::object()}};
  if (!options.schema.empty()) collection["data"]["schema"] = json::parse(options.schema);
  client.expect_json(make("PUT", url.target("/buckets/" + f.bucket + "/collections/" + f.collection),
                          collection.dump()),
                     f.authorizations[0]);
  return f;
}

void prefill(Fixture& f, int64_t count, bool quiet) {
  int64_t first = static_cast<int64_t>(f.records.size());
  if (!f.kinto || count <= first) return;
  int64_t chunk = f.batch_chunk();
  int64_t chunks = (count - first + chunk - 1) / chunk;
  f.records.resize(static_cast<size_t>(count));
  ProgressBar bar("prefill", count - first, !quiet);
  std::atomic<int64_t> next{0};
  std::mutex mutex;
  std::string failure;
  auto work = [&] {
    try {
      Client client(f.url, f.timeout);
      for (int64_t c = next++; c < chunks; c = next++) {
        {
          std::lock_guard lock(mutex);
          if (!failure.empty()) return;
        }
        int64_t begin = first + c * chunk, end = std::min(count, begin + chunk);
        std::string body = "{\"defaults\":{\"method\":\"PUT\"},\"requests\":[";
        for (int64_t n = begin; n < end; ++n) {
          if (n > begin) body += ',';
          body += "{\"path\":\"" + f.records_path() + "/" + record_id(n) + "\",\"body\":{\"data\":" +
                  record_data(n, f.filler) + "}}";
        }
        body += "]}";
        Request batch = make("POST", f.url.target("/batch"), std::move(body));
        json reply = client.expect_json(batch, f.authorizations[0]);
        const json& responses = reply.value("responses", json());
        if (!responses.is_array() || static_cast<int64_t>(responses.size()) != end - begin)
          throw ProtocolError("POST " + batch.target + " did not answer one response per sub-request");
        for (int64_t n = begin; n < end; ++n) {
          const json& r = responses[static_cast<size_t>(n - begin)];
          int status = r.value("status", 0);
          if (status < 200 || status > 299)
            throw ProtocolError("prefill: PUT " + record_id(n) + " in a batch answered " +
                                std::to_string(status) + ": " + r.value("body", json()).dump().substr(0, 300));
          RecordRef& ref = f.records[static_cast<size_t>(n)];
          ref.id = record_id(n);
          ref.last_modified = r["body"]["data"].value("last_modified", int64_t{0});
        }
        bar.advance(end - begin);
      }
    } catch (const std::exception& e) {
      std::lock_guard lock(mutex);
      if (failure.empty()) failure = e.what();
    }
  };
  std::vector<std::thread> threads;
  int workers = static_cast<int>(std::min<int64_t>(f.prefill_connections, chunks));
  for (int i = 0; i < workers; ++i) threads.emplace_back(work);
  for (auto& t : threads) t.join();
  bar.finish();
  if (!failure.empty()) {
    f.records.resize(static_cast<size_t>(first));
    throw ProtocolError(failure);
  }
}

int64_t list_timestamp(const Fixture& f) {
  if (!f.kinto) return 0;
  Client client(f.url, f.timeout);
  Request head = make("GET", f.records_target() + "?_limit=1");
  Response r = client.send(head, f.authorizations[0]);
  if (r.status != 200) throw ProtocolError(describe_failure(head, r));
  return parse_etag(r.header("etag"));
}

void tear_down(const Fixture& f) {
  if (!f.kinto || f.authorizations.empty()) return;
  try {
    Client client(f.url, std::max(f.timeout, 60.0));
    client.send(make("DELETE", f.url.target("/buckets/" + f.bucket)), f.authorizations[0]);
  } catch (const std::exception&) {
  }
}

}  // namespace bench
