// The store's format version, kept under keys::kFormat: what layout of keys
// and values (keys.h) the data is in. A store written before versions were
// recorded has none and is in format 1, today's layout.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "store/engine.h"

namespace ratchet {

constexpr int64_t kStoreFormat = 1;

// The format version recorded in the store as written (nullopt when none).
std::optional<std::string> recorded_format(Engine& engine);

// Brings the store to kStoreFormat before anything else reads it: records
// the version in a store that has none (new, or written before versions
// were recorded). Throws StoreError, naming both versions, when the store
// is in a format newer than this build reads or the version is unreadable.
void upgrade_store_format(Engine& engine);

// open_engine (engine.h), then upgrade_store_format: how a node opens its
// store. Throws StoreError.
std::unique_ptr<Engine> open_store(const std::string& backend, const std::string& path);

}  // namespace ratchet
