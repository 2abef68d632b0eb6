// Where a store stands in its shard's replication log: the (epoch, seq) of
// the last log entry applied to it, recorded in the same batch as the
// entry's writes, so the two never part (cluster/README.md).
#pragma once

#include <compare>
#include <cstdint>
#include <optional>

#include "store/batch.h"
#include "store/engine.h"

namespace ratchet {

struct LogPosition {
  int64_t epoch = 0;
  int64_t seq = 0;
  auto operator<=>(const LogPosition&) const = default;
};

// Adds the position to a batch of writes.
void record_position(Batch& batch, LogPosition position);

// The recorded position; nullopt when none was ever recorded, or when a copy
// of the whole store was interrupted (the content is then unknown).
std::optional<LogPosition> recorded_position(const Reader& reader);

// Marks the store as being replaced by a copy: until a position is recorded
// again, recorded_position says nothing is known.
void record_copy_started(Batch& batch);

// Whether the store holds any object or list (anything but its own records).
bool holds_data(Snapshot& snapshot);

}  // namespace ratchet
