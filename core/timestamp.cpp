#include "core/timestamp.h"

#include <chrono>
#include <ctime>

namespace ratchet {

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

int64_t next_timestamp(int64_t current, std::optional<int64_t> client_value, int64_t now) {
  if (!client_value) return now > current ? now : current + 1;
  if (*client_value == current) return current + 1;
  return *client_value;
}

bool acceptable_client_timestamp(int64_t ts, int64_t now) {
  constexpr int64_t kDayMs = 24 * 3600 * 1000;
  return ts >= 0 && ts < now + kDayMs;
}

std::string etag(int64_t ts) { return "\"" + std::to_string(ts) + "\""; }

std::string http_date(int64_t ts_ms) {
  std::time_t seconds = static_cast<std::time_t>(ts_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

}  // namespace ratchet
