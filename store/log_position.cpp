#include "store/log_position.h"

#include <charconv>

#include "store/catalog.h"
#include "store/keys.h"

namespace ratchet {

void record_position(Batch& batch, LogPosition position) {
  batch.del(keys::kCopying);
  batch.put(keys::kPosition,
            catalog::encode_int(position.epoch) + " " + catalog::encode_int(position.seq));
}

std::optional<LogPosition> recorded_position(const Reader& reader) {
  std::string text;
  if (reader.get(keys::kCopying, &text) || !reader.get(keys::kPosition, &text)) {
    return std::nullopt;
  }
  size_t space = text.find(' ');
  if (space == std::string::npos) return std::nullopt;
  LogPosition out;
  const char* end = text.data() + text.size();
  auto [mid, e1] = std::from_chars(text.data(), text.data() + space, out.epoch);
  auto [last, e2] = std::from_chars(text.data() + space + 1, end, out.seq);
  if (e1 != std::errc() || e2 != std::errc() || mid != text.data() + space || last != end) {
    return std::nullopt;
  }
  return out;
}

void record_copy_started(Batch& batch) { batch.put(keys::kCopying, ""); }

bool holds_data(Snapshot& snapshot) {
  // List keys start with a parent id: "" then \0, or a printable byte.
  auto top = snapshot.scan(std::string(1, '\0'), std::string(1, '\x01'), false);
  if (top->valid()) return true;
  auto rest = snapshot.scan(std::string(1, ' '), std::string(4, '\xff'), false);
  return rest->valid();
}

}  // namespace ratchet
