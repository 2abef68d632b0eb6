#include "store/probe.h"

#include "core/timestamp.h"
#include "store/keys.h"

namespace ratchet {

bool probe_store(Engine& engine, bool sync) {
  Batch batch;
  batch.put(keys::kHeartbeat, std::to_string(now_ms()));
  engine.write(batch, sync);
  std::string read;
  return engine.snapshot()->get(keys::kHeartbeat, &read);
}

}  // namespace ratchet
