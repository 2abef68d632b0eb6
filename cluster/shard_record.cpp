#include "cluster/shard_record.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace ratchet {

bool ShardRecord::in_sync_has(const std::string& node) const {
  return std::find(in_sync.begin(), in_sync.end(), node) != in_sync.end();
}

std::string to_json(const ShardRecord& r) {
  nlohmann::json epochs = nlohmann::json::array();
  for (auto [e, base] : r.epochs) epochs.push_back({e, base});
  return nlohmann::json{{"epoch", r.epoch},
                        {"primary", r.primary},
                        {"primary_lease", r.primary_lease},
                        {"in_sync", r.in_sync},
                        {"epochs", epochs}}
      .dump();
}

std::optional<ShardRecord> shard_record_from_json(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  try {
    ShardRecord r;
    r.epoch = j.at("epoch").get<int64_t>();
    r.primary = j.at("primary").get<std::string>();
    r.primary_lease = j.at("primary_lease").get<int64_t>();
    r.in_sync = j.at("in_sync").get<std::vector<std::string>>();
    for (const auto& pair : j.at("epochs")) {
      r.epochs.emplace_back(pair.at(0).get<int64_t>(), pair.at(1).get<int64_t>());
    }
    if (r.epochs.empty() || r.epochs.back().first != r.epoch) return std::nullopt;
    return r;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

ShardRecord first_epoch(const std::string& primary, int64_t lease, LogPosition position) {
  ShardRecord r;
  r.epoch = std::max<int64_t>(1, position.epoch + 1);
  r.primary = primary;
  r.primary_lease = lease;
  r.in_sync = {primary};
  r.epochs = {{0, 0}, {r.epoch, position.seq}};  // epoch 0: what the first store held
  return r;
}

ShardRecord next_epoch(const ShardRecord& record, const std::string& primary, int64_t lease,
                       LogPosition position, std::vector<std::string> in_sync) {
  ShardRecord r = record;
  r.epoch = record.epoch + 1;
  r.primary = primary;
  r.primary_lease = lease;
  in_sync.erase(std::remove(in_sync.begin(), in_sync.end(), primary), in_sync.end());
  in_sync.insert(in_sync.begin(), primary);
  r.in_sync = std::move(in_sync);
  r.epochs.emplace_back(r.epoch, position.seq);
  if (r.epochs.size() > kEpochHistory) {
    r.epochs.erase(r.epochs.begin(), r.epochs.end() - kEpochHistory);
  }
  return r;
}

bool on_chain(const ShardRecord& record, LogPosition position) {
  // (0, 0), an empty store: a prefix while the log's start is remembered.
  if (position.seq == 0) return position.epoch == 0 && record.epochs.front().first == 0;
  for (size_t i = 0; i < record.epochs.size(); ++i) {
    auto [epoch, base] = record.epochs[i];
    if (epoch != position.epoch) continue;
    if (position.seq <= base) return false;  // tagged with an epoch not yet begun
    return i + 1 == record.epochs.size() || position.seq <= record.epochs[i + 1].second;
  }
  return false;  // an epoch forgotten, or one that never took the shard
}

}  // namespace ratchet
