// A shard's configuration, as the configuration manager holds it: changed
// only by compare-and-swap, so every change is made knowing the one before.
//   epoch     grows by one each time the primary changes;
//   primary   the only node that assigns log entries in this epoch, while
//             the lease `primary_lease` it held when it took the shard lives;
//   in_sync   the nodes (primary first) that hold every acknowledged entry;
//   epochs    where recent epochs began: entries of epoch e have seqs above
//             its base and at most the next epoch's base.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/log_position.h"

namespace ratchet {

struct ShardRecord {
  int64_t epoch = 0;
  std::string primary;
  int64_t primary_lease = 0;
  std::vector<std::string> in_sync;
  std::vector<std::pair<int64_t, int64_t>> epochs;  // (epoch, base), ascending

  bool operator==(const ShardRecord&) const = default;
  bool in_sync_has(const std::string& node) const;
};

// Epochs older than the last kEpochHistory are forgotten: a store that
// stopped in one of them is copied whole when it comes back.
constexpr size_t kEpochHistory = 32;

std::string to_json(const ShardRecord& record);
// nullopt when the text is not a shard record.
std::optional<ShardRecord> shard_record_from_json(std::string_view text);

// The first epoch: `primary` takes the shard with what its store holds:
// nothing at (0, 0); (0, 1) stands for data older than the cluster.
ShardRecord first_epoch(const std::string& primary, int64_t lease, LogPosition position);

// The next epoch, taken by `primary` (holding up to `position`) with the
// replicas `in_sync` (which hold a prefix of its log).
ShardRecord next_epoch(const ShardRecord& record, const std::string& primary, int64_t lease,
                       LogPosition position, std::vector<std::string> in_sync);

// Whether a store at `position` holds a prefix of the shard's log (entries
// it holds were never replaced by a later epoch): then it catches up from
// the log; otherwise it is copied whole. (0, 0) is an empty store; an epoch
// below 0 stands for a store of unknown content.
bool on_chain(const ShardRecord& record, LogPosition position);

}  // namespace ratchet
