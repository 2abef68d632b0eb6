// One entry of a shard's replication log: a committed batch of the primary
// (store/commit_codec.h bytes), numbered by the epoch that made it and its
// place in the shard's order. Seqs follow each other with no gap across
// epochs; every copy applies entries strictly in seq order.
#pragma once

#include <cstdint>
#include <string>

#include "store/log_position.h"

namespace ratchet {

struct LogEntry {
  int64_t epoch = 0;
  int64_t seq = 0;
  std::string commit;

  LogPosition position() const { return {epoch, seq}; }
  bool operator==(const LogEntry&) const = default;
};

}  // namespace ratchet
