// The store's health probe: a key outside every list, written and read back.
#pragma once

#include "store/engine.h"

namespace ratchet {

// Writes the probe (durably with `sync`) and reads it back; false when it
// cannot be read. Throws StoreError when the write fails.
bool probe_store(Engine& engine, bool sync);

}  // namespace ratchet
