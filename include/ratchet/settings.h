// Server settings: one .ini file (section [ratchet]) overridden by
// RATCHET_<KEY> environment variables. Names follow Kinto's settings without
// the "kinto." prefix (PROTOCOL.md §11).
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace ratchet {

class Registry;

// A setting that cannot be used; what() names the key (or the file).
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Settings {
  // HTTP
  std::string http_host = "127.0.0.1";
  int http_port = 8888;
  int http_threads = 64;  // threads that handle requests; idle connections hold none
  int http_keepalive_seconds = 5;       // an idle connection is closed after this
  int http_header_timeout_seconds = 10;  // a request head must arrive within this
  int http_max_connections = 10000;      // beyond it new connections are refused
  // Bytes of request bodies all connections hold at once (read, being
  // handled); a body that does not fit waits until one is answered.
  int64_t http_max_body_bytes_held = 64 * 1024 * 1024;
  std::string http_scheme;  // forces the scheme of absolute URLs (hello url, Next-Page)
  int64_t max_body_bytes = 8 * 1024 * 1024;
  // Storage
  std::string storage_backend = "rocksdb";
  std::string storage_path = "./data";
  bool storage_fsync = true;  // acknowledge a write only once it is durable
  // Actors
  int actor_threads = 0;  // CAF scheduler threads; 0: half the cores, at least one
  int commit_threads = 4;  // threads that write batches (each may wait on fsync)
  int list_idle_seconds = 60;  // a list actor stops after this long without messages
  // Cluster (cluster/README.md); no etcd endpoints: a single node.
  std::vector<std::string> cluster_etcd;  // etcd client URLs, http://host:port
  std::string cluster_node_id;            // unique and stable per node
  std::string cluster_advertise;          // host:port of this node's peer endpoint
  int cluster_shards = 1;                 // only 1 for now (milestone 1)
  int cluster_replicas = 3;               // copies of a shard, the primary's included
  int cluster_min_insync = 2;             // fewer copies in sync: writes answer 503
  int cluster_lease_seconds = 3;
  int cluster_replica_timeout_ms = 1000;  // an unacknowledged replica leaves in_sync
  int64_t cluster_log_bytes = 64 * 1024 * 1024;  // recent batches kept for catch-up
  std::string cluster_read = "primary";   // or "local": GETs from this node's copy
  bool clustered() const { return !cluster_etcd.empty(); }
  // Protocol
  int64_t paginate_by = 0;  // 0: unset
  int64_t storage_max_fetch_size = 10000;
  int64_t batch_max_requests = 25;  // 0: unlimited
  int64_t pagination_token_validity_seconds = 600;  // plural DELETE tokens
  bool readonly = false;
  bool explicit_permissions = true;
  int retry_after_seconds = 3;
  // CORS (§10.4): origins allowed, as shell globs; how long a preflight's
  // answer may be cached (0: no Access-Control-Max-Age).
  std::vector<std::string> cors_origins{"*"};
  int cors_max_age_seconds = 3600;
  std::string userid_hmac_secret;
  // Plugins (Kinto's `includes`), among those the application offers.
  std::vector<std::string> includes;
  // Authentication policies in order (Kinto's `multiauth.policies`):
  // "basicauth", or a policy of an included plugin.
  std::vector<std::string> multiauth_policies{"basicauth"};
  bool experimental_permissions_endpoint = false;
  // Values of the keys plugins declare (Plugin::Key), as written.
  std::map<std::string, std::string> extra;

  bool included(const std::string& plugin) const;
  // The value of a plugin's key, or `fallback` when it is not set.
  std::string extra_or(const std::string& key, const std::string& fallback) const;
  // "<type>_<read|write|create>_principals" settings, keyed "<type>_<perm>"
  // (also permissions_read_principals: who may use /permissions).
  std::map<std::string, std::vector<std::string>> principals{
      {"bucket_create", {"system.Authenticated"}}, {"permissions_read", {"system.Everyone"}}};
  // "<type>_cache_expires_seconds" settings, keyed by type name.
  std::map<std::string, int64_t> cache_expires;
  // Project
  std::string project_name = "ratchet";
  std::string project_version = RATCHET_VERSION;
  std::string project_docs = "https://kinto.readthedocs.io/";
  // version_json_path (alias version_json): the file /v1/__version__
  // serves; empty: the version.json written by the build.
  std::string version_json;
  std::string log_level = "info";
  // Where the settings came from (hello's "config"); empty without a file.
  std::string config_path;
  // Sections and keys of a Kinto ini that mean nothing here (Pyramid,
  // logging, backends), to be listed once in a warning.
  std::vector<std::string> ignored;

  // Objects on one page of a list: `requested` (_limit, -1 when absent)
  // capped by paginate_by and storage_max_fetch_size (PROTOCOL.md §4.5).
  int64_t page_size(int64_t requested) const;

  // Principals a settings grant gives for `perm` on every object of `type`.
  const std::vector<std::string>& grants(const std::string& type, const std::string& perm) const;
};

// Defaults, then the file (if `path` is not empty), then the environment.
// Keys of the form <type>_<perm>_principals and <type>_cache_expires_seconds
// are accepted for every type in `registry` and in the plugins it offers,
// and so are the plugins' keys. Throws ConfigError, also when `includes` or
// `multiauth.policies` names what is not offered, or a secret is empty that
// an enabled policy or plugin needs (userid_hmac_secret for basicauth).
Settings load_settings(const std::string& path, char** environ, const Registry& registry);

// An integer setting from its text; throws ConfigError naming the key when
// it is not one from `min` to `max` (for plugins' key checks).
int64_t setting_int(const std::string& key, const std::string& value, int64_t min, int64_t max);
// A boolean setting from its text (true, false, 1, 0, yes, no, on, off).
bool setting_bool(const std::string& key, const std::string& value);
// The items of a list setting, separated by blanks or commas.
std::vector<std::string> setting_list(const std::string& value);

// Sets one key from its text form; throws ConfigError naming the key. What
// `includes` and `multiauth.policies` name is checked by load_settings,
// once every key is known.
void set_setting(Settings& settings, const std::string& key, const std::string& value,
                 const Registry& registry);

}  // namespace ratchet
