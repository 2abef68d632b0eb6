#include "cluster/member.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/crypto.h"
#include "store/log_position.h"

namespace ratchet {
namespace {

const std::string kMembers = "ratchet/members/";
const std::string kShard = "ratchet/shards/0";
const std::string kElections = "ratchet/elections/0/";
const std::string kSettings = "ratchet/settings";
constexpr auto kTick = std::chrono::milliseconds(100);
constexpr auto kRead = std::chrono::seconds(1);
constexpr auto kMargin = std::chrono::milliseconds(500);
constexpr auto kElectionWait = std::chrono::seconds(1);

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

nlohmann::json position_json(LogPosition p) { return {{"epoch", p.epoch}, {"seq", p.seq}}; }

// The settings every node must share, each as a hash (secrets never leave).
std::map<std::string, std::string> fingerprint(const Settings& s) {
  std::map<std::string, std::string> out{
      {"userid_hmac_secret", s.userid_hmac_secret},
      {"includes", join_names(s.includes)},
      {"multiauth.policies", join_names(s.multiauth_policies)},
      {"cluster_shards", std::to_string(s.cluster_shards)},
      {"cluster_replicas", std::to_string(s.cluster_replicas)},
      {"cluster_min_insync", std::to_string(s.cluster_min_insync)},
  };
  for (const auto& [key, value] : s.extra) out[key] = value;
  for (auto& [key, value] : out) value = sha256_hex("ratchet setting " + key + "=" + value);
  return out;
}

}  // namespace

Member::Member(const Settings& settings, ConfigStore& config, Engine& engine,
               Transport& transport, Hooks hooks)
    : settings_(settings),
      self_(settings.cluster_node_id),
      config_(config),
      engine_(engine),
      transport_(transport),
      hooks_(std::move(hooks)),
      ttl_(std::chrono::seconds(settings.cluster_lease_seconds)),
      log_(settings.cluster_log_bytes),
      copier_(engine, transport) {}

Member::~Member() {
  stop();
  writer_.reset();  // its last hooks run while the rest is alive
}

void Member::stop() {
  stopping_ = true;
  wake_.notify_all();
  if (loop_thread_.joinable()) loop_thread_.join();
  if (watch_thread_.joinable()) watch_thread_.join();
  if (auto p = primary()) p->stop();
}

void Member::start() {
  check_fingerprint();
  auto snapshot = engine_.snapshot();
  auto recorded = recorded_position(*snapshot);
  // A store that never was in a cluster: empty, or of content unknown to it.
  LogPosition position = recorded.value_or(holds_data(*snapshot) ? LogPosition{-1, 0}
                                                                 : LogPosition{});
  store_position_ = position;
  log_.reset(position.seq);
  writer_ = std::make_unique<LogWriter>(
      engine_, settings_.storage_fsync,
      LogWriter::Hooks{[this](LogPosition p) { on_durable(p); }, hooks_.membership_changed});
  replica_ = std::make_unique<Replica>(self_, *writer_, log_, transport_, position,
                                       hooks_.membership_changed);
  lease_ = config_.grant_lease(settings_.cluster_lease_seconds);
  deadline_ = (Clock::now() + ttl_ - kMargin).time_since_epoch().count();
  next_renew_ = Clock::now() + ttl_ / 3;
  register_self();
  spdlog::info("cluster: node {} joined at {}:{} (lease {})", self_, position.epoch,
               position.seq, lease_.load());
  loop_thread_ = std::thread([this] { loop(); });
  watch_thread_ = std::thread([this] { watch(); });
}

void Member::check_fingerprint() {
  auto mine = fingerprint(settings_);
  nlohmann::json value(mine);
  if (config_.compare_and_put(kSettings, value.dump(), 0)) return;
  auto stored = config_.get(kSettings);
  if (!stored) throw ConfigStoreUnavailable("the cluster's settings vanished while joining");
  auto theirs = nlohmann::json::parse(stored->value, nullptr, false);
  std::vector<std::string> differ;
  for (const auto& [key, hash] : mine) {
    if (!theirs.is_object() || !theirs.contains(key) || theirs[key] != hash) differ.push_back(key);
  }
  if (theirs.is_object()) {
    for (const auto& [key, hash] : theirs.items()) {
      if (!mine.count(key)) differ.push_back(key);
    }
  }
  if (!differ.empty()) {
    throw ConfigError("this node's settings differ from the cluster's (they must match on every "
                      "node): " + join_names(differ));
  }
}

void Member::register_self() {
  nlohmann::json info{{"address", settings_.cluster_advertise},
                      {"lease", lease_.load()},
                      {"protocol", kClusterProtocol}};
  auto key = kMembers + self_;
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto old = config_.get(key);
    if (config_.compare_and_put(key, info.dump(), old ? old->mod_revision : 0, lease_)) return;
  }
  throw ConfigStoreUnavailable("cannot register " + key);
}

// Every tick the primary's held answers are checked; the configuration
// manager is read when it changed, when this node has something to change
// there, and at least every kRead.
void Member::loop() {
  Clock::time_point next_read{};
  bool changed = true;
  while (!stopping_) {
    auto now = Clock::now();
    auto p = primary();
    // Even cut off from the configuration manager, held answers end in time.
    if (p) p->expire(now);
    bool busy = election_since_ || (p && (!p->laggards(now).empty() || !p->caught_up().empty()));
    if (changed || busy || now >= next_read || now >= next_renew_) {
      next_read = now + kRead;
      try {
        step();
      } catch (const ConfigStoreUnavailable& e) {
        spdlog::debug("cluster: configuration manager unavailable: {}", e.what());
      } catch (const std::exception& e) {
        spdlog::error("cluster: control loop: {}", e.what());
      }
    }
    std::unique_lock<std::mutex> lock(wake_mu_);
    wake_.wait_for(lock, kTick, [this] { return changed_ || stopping_.load(); });
    changed = changed_;
    changed_ = false;
  }
}

void Member::watch() {
  while (!stopping_) {
    try {
      config_.watch(
          "ratchet/",
          [this] {
            std::lock_guard<std::mutex> lock(wake_mu_);
            changed_ = true;
            wake_.notify_all();
          },
          [this] { return stopping_.load(); });
    } catch (const ConfigStoreUnavailable&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
  }
}

bool Member::lease_held() const {
  return Clock::now().time_since_epoch().count() < deadline_.load();
}

void Member::renew() {
  auto sent = Clock::now();
  try {
    if (config_.keep_alive(lease_)) {
      deadline_ = (sent + ttl_ - kMargin).time_since_epoch().count();
      next_renew_ = sent + ttl_ / 3;
      return;
    }
  } catch (const ConfigStoreUnavailable&) {
    next_renew_ = sent + kTick * 2;
    return;
  }
  spdlog::warn("cluster: lease {} of {} expired; taking a new one", lease_.load(), self_);
  deadline_ = 0;
  if (primary()) demote("its lease expired");
  lease_ = config_.grant_lease(settings_.cluster_lease_seconds);
  deadline_ = (sent + ttl_ - kMargin).time_since_epoch().count();
  next_renew_ = sent + ttl_ / 3;
  register_self();
}

void Member::step() {
  if (Clock::now() >= next_renew_) renew();
  std::map<std::string, MemberInfo> members;
  std::map<std::string, std::string> peers;
  for (const auto& kv : config_.list(kMembers)) {
    auto j = nlohmann::json::parse(kv.value, nullptr, false);
    if (!j.is_object()) continue;
    MemberInfo info{j.value("address", ""), j.value("lease", int64_t{0}), j.value("protocol", 0)};
    std::string node = kv.key.substr(kMembers.size());
    if (info.protocol != kClusterProtocol) {
      if (refused_.insert(node).second) {
        spdlog::error("cluster: refusing {}: it speaks cluster protocol {}, this node {}", node,
                      info.protocol, kClusterProtocol);
      }
      continue;
    }
    if (node != self_) peers[node] = info.address;
    members[node] = info;
  }
  transport_.peers(peers);
  auto kv = config_.get(kShard);
  std::optional<ShardRecord> record;
  if (kv) record = shard_record_from_json(kv->value);
  {
    std::lock_guard<std::mutex> lock(mu_);
    members_ = std::move(members);
    if (record) record_ = record;
  }
  if (!kv) return bootstrap();
  if (!record) throw std::runtime_error("the shard record is not readable: " + kv->value);
  if (record->primary == self_ && record->primary_lease == lease_) {
    election_since_.reset();
    auto p = primary();
    if (!p || p->epoch() != record->epoch) promote(*record);
    return maintain(*record, kv->mod_revision);
  }
  if (primary()) demote("epoch " + std::to_string(record->epoch) + " has another primary");
  bool primary_alive;
  {
    std::lock_guard<std::mutex> lock(mu_);
    primary_alive = alive(record->primary);
  }
  if (primary_alive) {
    election_since_.reset();
    replica_->follow(record->primary, record->epoch);
    replica_->tick(Clock::now(), record->in_sync_has(self_));
    return;
  }
  if (record->in_sync_has(self_) && lease_held()) elect(*record, kv->mod_revision);
}

bool Member::alive(const std::string& node) const {
  auto it = members_.find(node);
  if (it == members_.end()) return false;
  // The primary is alive while the lease it took the shard with lives.
  if (record_ && record_->primary == node) return it->second.lease == record_->primary_lease;
  return true;
}

void Member::bootstrap() {
  LogPosition position = replica_->durable();
  if (position.epoch < 0) position = {0, 1};  // data from before the cluster
  ShardRecord first = first_epoch(self_, lease_, position);
  if (!config_.compare_and_put(kShard, to_json(first), 0)) return;
  Batch batch;
  record_position(batch, position);
  std::promise<bool> written;
  writer_->write(std::move(batch), [&written](bool ok) { written.set_value(ok); });
  if (!written.get_future().get()) throw std::runtime_error("cannot record the log position");
  replica_->reset(position);
  spdlog::info("cluster: {} created the shard at epoch {} from {}:{}", self_, first.epoch,
               position.epoch, position.seq);
  promote(first);
}

void Member::elect(const ShardRecord& record, int64_t revision) {
  auto now = Clock::now();
  if (!election_since_) {
    election_since_ = now;
    spdlog::warn("cluster: primary {} of epoch {} is gone; electing", record.primary,
                 record.epoch);
  }
  replica_->freeze(record.epoch);
  if (!replica_->settled()) return;  // what it queued must be durable first
  LogPosition mine = replica_->durable();
  std::string prefix = kElections + std::to_string(record.epoch) + "/";
  config_.compare_and_put(prefix + self_, nlohmann::json(position_json(mine)).dump(), 0, lease_);
  std::map<std::string, LogPosition> candidates;
  for (const auto& kv : config_.list(prefix)) {
    auto j = nlohmann::json::parse(kv.value, nullptr, false);
    std::string node = kv.key.substr(prefix.size());
    if (!j.is_object() || !record.in_sync_has(node)) continue;
    candidates[node] = LogPosition{j.value("epoch", int64_t{-1}), j.value("seq", int64_t{0})};
  }
  std::vector<std::string> waiting;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& node : record.in_sync) {
      if (node != record.primary && alive(node) && !candidates.count(node)) waiting.push_back(node);
    }
  }
  if (!waiting.empty() && now - *election_since_ < kElectionWait) return;
  candidates[self_] = mine;
  std::string best = self_;
  for (const auto& [node, position] : candidates) {
    const LogPosition& top = candidates.at(best);
    if (position > top || (position == top && node < best)) best = node;
  }
  if (best != self_) return;
  std::vector<std::string> in_sync;
  for (const auto& [node, position] : candidates) in_sync.push_back(node);
  ShardRecord next = next_epoch(record, self_, lease_, mine, in_sync);
  if (!config_.compare_and_put(kShard, to_json(next), revision)) return;
  election_since_.reset();
  promote(next);
}

void Member::promote(const ShardRecord& record) {
  LogPosition position = replica_->durable();
  Primary::Config config{self_, record, settings_.cluster_min_insync,
                         std::chrono::milliseconds(settings_.cluster_replica_timeout_ms),
                         ttl_ + std::chrono::seconds(2)};
  auto p = std::make_shared<Primary>(config, position.seq, *writer_, log_, transport_,
                                     [this] { return lease_held(); });
  {
    std::lock_guard<std::mutex> lock(mu_);
    primary_ = p;
    store_position_ = position;
  }
  spdlog::info("cluster: epoch {}: {} is primary from {}:{}, in sync: {}", record.epoch, self_,
               position.epoch, position.seq, join_names(record.in_sync));
  if (hooks_.promoted) hooks_.promoted();
}

void Member::demote(const std::string& why) {
  std::shared_ptr<Primary> p;
  {
    std::lock_guard<std::mutex> lock(mu_);
    p.swap(primary_);
  }
  if (!p) return;
  spdlog::warn("cluster: {} stops being primary of epoch {}: {}", self_, p->epoch(), why);
  p->stop();
  if (hooks_.demoted) hooks_.demoted();
  // What it numbered reaches the store before it follows another primary.
  for (int i = 0; i < 500 && !writer_->broken(); ++i) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (store_position_.seq >= p->last_seq()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::lock_guard<std::mutex> lock(mu_);
  replica_->reset(store_position_);
}

void Member::maintain(const ShardRecord& record, int64_t revision) {
  auto p = primary();
  if (!p) return;
  std::vector<std::string> in_sync = record.in_sync;
  std::vector<std::string> removed = p->laggards(Clock::now());
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& node : in_sync) {
      if (node != self_ && !alive(node)) removed.push_back(node);
    }
    for (const auto& node : p->caught_up()) {
      if (alive(node) && !record.in_sync_has(node) &&
          static_cast<int>(in_sync.size()) < settings_.cluster_replicas) {
        in_sync.push_back(node);
      }
    }
  }
  for (const auto& node : removed) {
    in_sync.erase(std::remove(in_sync.begin(), in_sync.end(), node), in_sync.end());
  }
  if (in_sync == record.in_sync) {
    // A CAS whose answer was lost may have taken effect: follow the record.
    if (p->in_sync() != in_sync) p->set_in_sync(in_sync);
    return;
  }
  ShardRecord next = record;
  next.in_sync = in_sync;
  if (!config_.compare_and_put(kShard, to_json(next), revision)) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    record_ = next;
  }
  p->set_in_sync(in_sync);
  spdlog::info("cluster: epoch {}: in sync now {} (was {})", record.epoch, join_names(in_sync),
               join_names(record.in_sync));
}

void Member::on_durable(LogPosition position) {
  std::shared_ptr<Primary> p;
  {
    std::lock_guard<std::mutex> lock(mu_);
    store_position_ = std::max(store_position_, position);
    p = primary_;
  }
  if (p) {
    p->on_local_durable(position);
  } else {
    replica_->on_durable(position);
  }
}

std::shared_ptr<Primary> Member::primary() const {
  std::lock_guard<std::mutex> lock(mu_);
  return primary_;
}

std::shared_future<bool> Member::submit(Commit commit, std::function<void()> done) {
  if (auto p = primary()) return p->submit(std::move(commit), std::move(done));
  std::promise<bool> refused;
  refused.set_value(false);
  if (done) done();
  return refused.get_future().share();
}

Member::Route Member::route() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (primary_) return {Route::Kind::kLocal, self_, settings_.cluster_advertise};
  if (!record_ || record_->primary == self_ || !alive(record_->primary)) return {};
  return {Route::Kind::kRemote, record_->primary, members_.at(record_->primary).address};
}

bool Member::healthy() const {
  if (!lease_held()) return false;
  auto p = primary();
  return !p || static_cast<int>(p->in_sync().size()) >= settings_.cluster_min_insync;
}

nlohmann::json Member::status() const {
  std::lock_guard<std::mutex> lock(mu_);
  nlohmann::json members = nlohmann::json::object();
  for (const auto& [node, info] : members_) {
    members[node] = {{"address", info.address}, {"alive", alive(node)}};
  }
  LogPosition position = primary_ ? store_position_ : replica_->durable();
  nlohmann::json shard = {{"shard", 0}, {"position", position_json(position)}};
  if (record_) {
    shard["epoch"] = record_->epoch;
    shard["primary"] = record_->primary;
    shard["in_sync"] = record_->in_sync;
  }
  if (primary_) {
    int64_t last = primary_->last_seq();
    nlohmann::json lag = nlohmann::json::object();
    for (const auto& [node, acked] : primary_->acked()) lag[node] = {{"entries", last - acked}};
    for (const auto& [node, wait] : primary_->waiting(Clock::now())) {
      lag[node]["ms"] = wait.count();
    }
    shard["last_seq"] = last;
    shard["replication_lag"] = lag;
  }
  return {{"node", self_},
          {"role", primary_ ? "primary" : "replica"},
          {"lease_held", lease_held()},
          {"members", members},
          {"shards", nlohmann::json::array({shard})}};
}

void Member::on_entries(const std::string& from, int64_t epoch, std::vector<LogEntry> e) {
  // A primary applies only its own entries; once demoted it joins the new one.
  if (!primary()) replica_->on_entries(from, epoch, std::move(e));
}

void Member::on_ack(const std::string& from, int64_t epoch, int64_t seq) {
  auto p = primary();
  if (p && epoch == p->epoch()) p->on_ack(from, seq);
}

void Member::on_join(const std::string& from, int64_t epoch, LogPosition position) {
  auto p = primary();
  if (p && epoch <= p->epoch()) p->on_join(from, position);
}

void Member::on_copy_needed(const std::string& from, int64_t epoch) {
  if (!primary()) replica_->on_copy_needed(from, epoch);
}

void Member::on_copy_request(const std::string& from, int64_t epoch, std::string after) {
  auto p = primary();
  if (p && epoch <= p->epoch()) copier_.on_request(from, p->epoch(), after);
}

void Member::on_copy_chunk(const std::string& from, int64_t epoch, std::vector<std::string> pairs,
                           bool last, LogPosition position) {
  if (!primary()) replica_->on_copy_chunk(from, epoch, std::move(pairs), last, position);
}

}  // namespace ratchet
