// An Op is one protocol request against a resource, already parsed from
// HTTP; a Result is its answer. Ops travel from the HTTP frontends to the
// list actors (and, in a cluster, between nodes), so both are plain values.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ratchet/error.h"
#include "ratchet/registry.h"

namespace ratchet {

// If-Match / If-None-Match (PROTOCOL.md §5.2).
struct Precondition {
  enum Kind : uint8_t { kNone, kAny, kValue };
  Kind kind = kNone;
  int64_t value = 0;
};

enum class PatchFormat : uint8_t { kMerge, kMergePatch, kJsonPatch };

struct Op {
  Verb verb = kGet;
  std::string resource;  // resource type name
  std::string parent;    // parent id: parent URI, "" at top level, user id when per-user
  std::string id;        // empty on the plural endpoint
  bool plural = false;

  // Who asks: user id ("" when anonymous) and every principal of the request.
  std::string user_id;
  std::vector<std::string> principals;
  // A write the server makes on the user's behalf (the default bucket's
  // implicit creations): no permission is checked.
  bool implicit = false;

  Precondition if_match;
  Precondition if_none_match;

  // Body of POST, PUT and PATCH, as parsed by the frontend.
  bool has_data = false;
  std::string data;  // JSON object (PATCH with JSON Patch: the operations array)
  bool has_permissions = false;
  std::string permissions;  // JSON object: permission name -> principals (or null)
  PatchFormat patch_format = PatchFormat::kMerge;
  std::string response_behavior;  // PATCH: "full", "light" or "diff"

  // A client-supplied timestamp: data.last_modified of POST and PUT, or
  // DELETE ?last_modified= (PROTOCOL.md §2.4 says when it is honoured:
  // resource/request_policy.h, kept_client_timestamp).
  bool has_client_ts = false;
  int64_t client_ts = 0;
  // The querystring, decoded, in order (filters, _sort, _limit, _token, ...).
  std::vector<std::pair<std::string, std::string>> params;

  // A validation problem found by the frontend; reported only to a caller
  // who passes authorization (PROTOCOL.md §7.5).
  bool has_error = false;
  Error error;
};

struct Result {
  int status = 200;
  int errno_ = 0;          // for the request log; 0 on success
  int64_t timestamp = -1;  // ETag and Last-Modified when >= 0
  std::string body;        // JSON; empty for 304 and HEAD
  std::string next_token;  // plural GET: token of the next page, empty on the last
  int64_t page_size = 0;   // with next_token: the page size (Next-Page's _limit)
  int64_t total = -1;      // plural HEAD: Total-Objects
  std::string alert;       // JSON of an Alert header (deprecations), empty: none
  int64_t cache_expires = -1;  // seconds the parent object lets anonymous clients cache, -1: unset

  static Result of(const Error& e) {
    Result r;
    r.status = e.status;
    r.errno_ = e.errno_;
    r.body = e.body();
    return r;
  }
};

}  // namespace ratchet
