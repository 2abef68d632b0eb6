// Kinto's default_bucket plugin (PROTOCOL.md §12.1): /v1/buckets/default
// is the authenticated user's personal bucket, whose id is the first 32 hex
// digits of HMAC-SHA256(default_bucket_hmac_secret, user id) as
// 8-4-4-4-12. The bucket, and the collection a path names, are created on
// first use without permission checks, the user becoming their writer; the
// request then goes on with the real id. Hello shows the id as user.bucket.
// The hook keeps no state between requests (thread-safe).
#pragma once

#include "ratchet/registry.h"

namespace ratchet {

Plugin default_bucket_plugin();

}  // namespace ratchet
