// What a workload needs on the server before the load starts, made through
// the protocol itself: the server's hello, Basic-auth users, a bucket they
// may all write, a collection, and prefilled records.
//
// A server whose GET /v1/ has no http_api_version (the ceiling) is "raw":
// nothing is set up there and workloads send their requests as they are.
//
// Thread-safety: set-up runs on one thread, except prefill, which runs its
// own batch connections. A finished Fixture is read-only and shared.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/options.h"
#include "bench/url.h"

namespace bench {

struct RecordRef {
  std::string id;
  int64_t last_modified = 0;
};

struct Fixture {
  Url url;                                  // where set-up happens: nodes[0]
  std::vector<Url> nodes;                   // the load's servers (one unless a cluster)
  bool kinto = true;                        // false: raw HTTP target
  int batch_max = 25;                       // hello's settings.batch_max_requests (0: unlimited)
  std::vector<std::string> authorizations;  // "Basic ..." per user
  std::vector<std::string> user_ids;
  std::string bucket;
  std::string collection;
  std::vector<RecordRef> records;           // prefilled, in id order
  std::string filler;                       // record payload
  double timeout = 10;
  int prefill_connections = 4;

  // "/buckets/b/collections/c/records", without the base path (batch form).
  std::string records_path() const;
  // The same under the base path: a request target.
  std::string records_target() const { return url.target(records_path()); }
  // The server of session (and connection) `index`.
  const Url& node(int index) const { return nodes[static_cast<size_t>(index) % nodes.size()]; }
  // Sub-requests per batch request.
  int batch_chunk() const { return batch_max > 0 ? batch_max : 100; }
};

// Reads the hello of the first of `urls` (the nodes of one server) and, on a
// Kinto server, makes users, bucket and collection there. Throws
// TransportError or ProtocolError with a clear message.
Fixture set_up(const std::vector<Url>& urls, const Options& options);

// Adds records until there are `count`, through batch requests, showing a
// progress bar on stderr unless `quiet`. Nothing on a raw target.
void prefill(Fixture& fixture, int64_t count, bool quiet);

// The list's current timestamp (its ETag), for a sync client that is up to date.
int64_t list_timestamp(const Fixture& fixture);

// Deletes the bucket (and so everything under it). Never throws.
void tear_down(const Fixture& fixture);

// The JSON data of record number `n`.
std::string record_data(int64_t n, const std::string& filler);

// A record id for number `n`: "r00000042".
std::string record_id(int64_t n);

// The number between the quotes of an ETag ("\"123\"" -> 123), or -1.
int64_t parse_etag(const std::string& etag);

}  // namespace bench
