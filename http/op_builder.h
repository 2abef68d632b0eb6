// Turns an HTTP request on a resource endpoint into an Op: preconditions,
// querystring, body. Problems found here are kept in the Op and reported only
// to callers who pass authorization (PROTOCOL.md §7.5).
#pragma once

#include <string>
#include <vector>

#include "ratchet/op.h"
#include "ratchet/settings.h"
#include "http/message.h"
#include "http/routes.h"

namespace ratchet {

Op build_op(const Registry& registry, const Route& route, Verb verb, const HttpRequest& request,
            std::string user_id, std::vector<std::string> principals);

// Parses a _limit/_since-style integer parameter: digits, optionally inside
// double quotes. -1 when invalid.
int64_t parse_count(const std::string& value);

}  // namespace ratchet
