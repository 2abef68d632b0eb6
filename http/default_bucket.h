// Kinto's default_bucket plugin (PROTOCOL.md §12.1): /v1/buckets/default
// is the authenticated user's personal bucket, whose id is derived from the
// user id with default_bucket_hmac_secret. The bucket, and the collection a
// path names, are created on first use without permission checks, the user
// becoming their writer; the request then goes on with the real id.
#pragma once

#include <optional>
#include <string>

#include "actors/node.h"
#include "core/error.h"
#include "http/message.h"

namespace ratchet {

// First 32 hex digits of HMAC-SHA256(secret, user id), as 8-4-4-4-12.
std::string default_bucket_id(const std::string& secret, const std::string& user_id);

// True when `path` is /v1/buckets/default or below it.
bool targets_default_bucket(const std::string& path);

// Creates what is missing and rewrites `request` (path, and a body id
// "default") to the personal bucket. Returns the error to answer instead
// (401 anonymous, 405 readonly, 400 invalid collection id, 503).
std::optional<Error> enter_default_bucket(Node& node, const std::string& user_id,
                                          const std::vector<std::string>& principals,
                                          HttpRequest& request);

}  // namespace ratchet
