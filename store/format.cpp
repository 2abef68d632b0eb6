#include "store/format.h"

#include <charconv>
#include <string>

#include "store/batch.h"
#include "store/keys.h"

namespace ratchet {

std::optional<std::string> recorded_format(Engine& engine) {
  std::string text;
  if (!engine.snapshot()->get(keys::kFormat, &text)) return std::nullopt;
  return text;
}

void upgrade_store_format(Engine& engine) {
  std::optional<std::string> recorded = recorded_format(engine);
  if (!recorded) {
    Batch batch;
    batch.put(keys::kFormat, std::to_string(kStoreFormat));
    engine.write(batch, true);
    return;
  }
  const std::string& text = *recorded;
  int64_t format = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), format);
  if (ec != std::errc() || end != text.data() + text.size() || format < 1) {
    throw StoreError("unreadable store format version '" + text + "'");
  }
  if (format > kStoreFormat) {
    throw StoreError("the store is in format " + std::to_string(format) +
                     ", newer than this build reads (format " + std::to_string(kStoreFormat) +
                     "): run the newer ratchet that wrote it");
  }
}

std::unique_ptr<Engine> open_store(const std::string& backend, const std::string& path) {
  std::unique_ptr<Engine> engine = open_engine(backend, path);
  upgrade_store_format(*engine);
  return engine;
}

}  // namespace ratchet
