// Millisecond timestamps (PROTOCOL.md §2.4) and their HTTP forms (§5.1).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace ratchet {

int64_t now_ms();

// The list-timestamp rule of §2.4. `current` is the stored list timestamp
// (0 when never set). Returns the value given to the written object; the
// list timestamp becomes max(current, result).
//   no client value:           max(now, current + 1)
//   client value == current:   current + 1
//   client value != current:   the client value (in the past it leaves the
//                              list timestamp unchanged)
int64_t next_timestamp(int64_t current, std::optional<int64_t> client_value, int64_t now);

// Whether a client-supplied timestamp is honoured at all: within
// [0, now + 24 h), the range _since and _before accept (a later value would
// become a list timestamp no client could then ask changes since).
bool acceptable_client_timestamp(int64_t ts, int64_t now);

// `"1432208041618"`: an ETag holds the decimal value inside double quotes.
std::string etag(int64_t ts);

// RFC 7231 IMF-fixdate of the instant, truncated to the second.
std::string http_date(int64_t ts_ms);

}  // namespace ratchet
