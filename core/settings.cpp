#include "ratchet/settings.h"

#include <ini.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>
#include <set>
#include <stdexcept>

#include "ratchet/registry.h"

namespace ratchet {
namespace {

using Setter = std::function<void(Settings&, const std::string& key, const std::string& value)>;

[[noreturn]] void bad(const std::string& key, const std::string& value, const std::string& want) {
  throw ConfigError("setting '" + key + "': invalid value '" + value + "' (" + want + ")");
}

}  // namespace

int64_t setting_int(const std::string& key, const std::string& value, int64_t min, int64_t max) {
  int64_t out = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
  if (ec != std::errc() || end != value.data() + value.size() || out < min || out > max) {
    bad(key, value, "an integer from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return out;
}

bool setting_bool(const std::string& key, const std::string& value) {
  std::string v = value;
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off") return false;
  bad(key, value, "true or false");
}

std::vector<std::string> setting_list(const std::string& value) {
  std::vector<std::string> out;
  std::string item;
  for (char c : value + " ") {
    if (std::isspace(static_cast<unsigned char>(c)) || c == ',') {
      if (!item.empty()) out.push_back(std::move(item));
      item.clear();
    } else {
      item += c;
    }
  }
  return out;
}

namespace {

template <class T>
Setter str(T Settings::*field) {
  return [field](Settings& s, const std::string&, const std::string& v) { s.*field = v; };
}
template <class T>
Setter num(T Settings::*field, int64_t min, int64_t max) {
  return [=](Settings& s, const std::string& k, const std::string& v) {
    s.*field = static_cast<T>(setting_int(k, v, min, max));
  };
}
Setter flag(bool Settings::*field) {
  return [=](Settings& s, const std::string& k, const std::string& v) { s.*field = setting_bool(k, v); };
}
// A list (checked once every key is known: see check_plugins).
Setter list(std::vector<std::string> Settings::*field) {
  return [=](Settings& s, const std::string&, const std::string& v) { s.*field = setting_list(v); };
}

Setter one_of(std::string Settings::*field, std::vector<std::string> allowed) {
  return [=](Settings& s, const std::string& k, const std::string& v) {
    if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      bad(k, v, "one of " + list);
    }
    s.*field = v;
  };
}

const std::map<std::string, Setter>& fixed_keys() {
  static const int64_t kMax = INT64_C(1) << 40;
  static const std::map<std::string, Setter> keys{
      {"http_host", str(&Settings::http_host)},
      {"http_port", num(&Settings::http_port, 0, 65535)},
      {"http_threads", num(&Settings::http_threads, 1, 4096)},
      {"http_keepalive_seconds", num(&Settings::http_keepalive_seconds, 1, 3600)},
      {"http_header_timeout_seconds", num(&Settings::http_header_timeout_seconds, 1, 3600)},
      {"http_max_connections", num(&Settings::http_max_connections, 1, 1000000)},
      {"http_max_body_bytes_held", num(&Settings::http_max_body_bytes_held, 1, kMax)},
      {"http_scheme", one_of(&Settings::http_scheme, {"", "http", "https"})},
      {"max_body_bytes", num(&Settings::max_body_bytes, 1, kMax)},
      {"storage_backend", one_of(&Settings::storage_backend, {"rocksdb", "memory"})},
      {"storage_path", str(&Settings::storage_path)},
      {"storage_fsync", flag(&Settings::storage_fsync)},
      {"actor_threads", num(&Settings::actor_threads, 0, 256)},
      {"commit_threads", num(&Settings::commit_threads, 1, 256)},
      {"list_idle_seconds", num(&Settings::list_idle_seconds, 1, 86400)},
      {"cluster_etcd", list(&Settings::cluster_etcd)},
      {"cluster_node_id", str(&Settings::cluster_node_id)},
      {"cluster_advertise", str(&Settings::cluster_advertise)},
      {"cluster_shards", num(&Settings::cluster_shards, 1, 1)},
      {"cluster_replicas", num(&Settings::cluster_replicas, 1, 64)},
      {"cluster_min_insync", num(&Settings::cluster_min_insync, 1, 64)},
      {"cluster_lease_seconds", num(&Settings::cluster_lease_seconds, 2, 3600)},
      {"cluster_replica_timeout_ms", num(&Settings::cluster_replica_timeout_ms, 10, 3600000)},
      {"cluster_log_bytes", num(&Settings::cluster_log_bytes, 0, kMax)},
      {"cluster_read", one_of(&Settings::cluster_read, {"primary", "local"})},
      {"cluster_read_principals",
       [](Settings& s, const std::string&, const std::string& v) {
         s.principals["cluster_read"] = setting_list(v);
       }},
      {"paginate_by", num(&Settings::paginate_by, 0, kMax)},
      {"storage_max_fetch_size", num(&Settings::storage_max_fetch_size, 1, kMax)},
      {"batch_max_requests", num(&Settings::batch_max_requests, 0, kMax)},
      {"pagination_token_validity_seconds",
       num(&Settings::pagination_token_validity_seconds, 1, kMax)},
      {"readonly", flag(&Settings::readonly)},
      {"explicit_permissions", flag(&Settings::explicit_permissions)},
      {"retry_after_seconds", num(&Settings::retry_after_seconds, 0, 86400)},
      {"cors_origins", list(&Settings::cors_origins)},
      {"cors_max_age_seconds",
       [](Settings& s, const std::string& k, const std::string& v) {
         s.cors_max_age_seconds = v.empty() ? 0 : static_cast<int>(setting_int(k, v, 0, 1 << 30));
       }},
      {"userid_hmac_secret", str(&Settings::userid_hmac_secret)},
      {"includes", list(&Settings::includes)},
      {"multiauth.policies", list(&Settings::multiauth_policies)},
      {"multiauth_policies", list(&Settings::multiauth_policies)},
      {"experimental_permissions_endpoint", flag(&Settings::experimental_permissions_endpoint)},
      {"permissions_read_principals",
       [](Settings& s, const std::string&, const std::string& v) {
         s.principals["permissions_read"] = setting_list(v);
       }},
      {"project_name", str(&Settings::project_name)},
      {"project_version", str(&Settings::project_version)},
      {"project_docs", str(&Settings::project_docs)},
      {"version_json_path", str(&Settings::version_json)},
      {"version_json", str(&Settings::version_json)},
      {"log_level", one_of(&Settings::log_level,
                           {"trace", "debug", "info", "warning", "error", "critical", "off"})},
  };
  return keys;
}

// "<type>_<perm>_principals" or "<type>_cache_expires_seconds" for a known type.
bool set_per_type(Settings& s, const std::string& key, const std::string& value,
                  const Registry& registry) {
  for (const ResourceType& t : registry.types()) {
    if (key.rfind(t.name + "_", 0) != 0) continue;
    std::string rest = key.substr(t.name.size() + 1);
    for (const char* perm : {"read", "write", "create"}) {
      if (rest == std::string(perm) + "_principals") {
        s.principals[t.name + "_" + perm] = setting_list(value);
        return true;
      }
    }
    if (rest == "cache_expires_seconds") {
      s.cache_expires[t.name] = setting_int(key, value, -1, INT64_C(1) << 40);
      return true;
    }
  }
  return false;
}

// The entries of an .ini file in order; a continuation line (a value
// spread over indented lines, as Kinto's `includes`) joins its entry.
struct IniEntry {
  std::string section, name, value;
};

int on_ini_entry(void* user, const char* section, const char* name, const char* value) {
  auto* entries = static_cast<std::vector<IniEntry>*>(user);
  if (!entries->empty() && entries->back().section == section && entries->back().name == name) {
    entries->back().value += std::string("\n") + value;
  } else {
    entries->push_back({section, name, value});
  }
  return 1;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }
bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Sections of a Kinto (Pyramid, PasteDeploy, logging, uWSGI) ini that mean
// nothing to ratchet.
bool foreign_section(const std::string& section) {
  for (const char* name : {"server:main", "loggers", "handlers", "formatters", "uwsgi"}) {
    if (section == name) return true;
  }
  for (const char* prefix : {"logger_", "handler_", "formatter_", "pipeline:", "filter:", "server:"}) {
    if (starts_with(section, prefix)) return true;
  }
  return false;
}

// Kinto settings (without the kinto. prefix) about its Python machinery:
// backends, pools, Pyramid.
bool foreign_kinto_key(const std::string& key) {
  static const std::set<std::string> kKeys{
      "use", "storage_backend", "storage_url", "cache_backend", "cache_url", "cache_prefix",
      "permission_backend", "permission_url", "storage_pool_size", "storage_max_overflow",
      "storage_pool_recycle", "storage_pool_timeout", "storage_max_backlog", "storage_poolclass",
      "cache_pool_size", "cache_max_size_bytes", "permission_pool_size", "permission_max_overflow",
      "bucket_id_generator", "collection_id_generator", "group_id_generator",
      "record_id_generator"};
  return kKeys.count(key) || starts_with(key, "pyramid.") || starts_with(key, "sqlalchemy.");
}

// One entry of Kinto's [app:main]: `kinto.` is optional, plugins are named
// by their module (kinto.plugins.accounts), authentication policies by
// their class. What means nothing here is added to `ignored`; a Kinto
// setting ratchet does not support is an error naming it.
void set_kinto_setting(Settings& s, const IniEntry& e, const Registry& registry) {
  std::string key = starts_with(e.name, "kinto.") ? e.name.substr(6) : e.name;
  if (foreign_kinto_key(key)) {
    s.ignored.push_back("[app:main] " + e.name);
    return;
  }
  if (starts_with(key, "multiauth.policy.") && ends_with(key, ".use") && starts_with(e.value, "kinto.")) {
    s.ignored.push_back("[app:main] " + e.name);  // ratchet knows its policies by name
    return;
  }
  std::string value = e.value;
  if (key == "includes") {
    value.clear();
    for (const std::string& module : setting_list(e.value)) {
      if (!starts_with(module, "kinto.plugins.")) {
        throw ConfigError("setting '" + e.name + "': ratchet has no plugin '" + module + "'");
      }
      value += module.substr(14) + " ";
    }
  }
  try {
    set_setting(s, key, value, registry);
  } catch (const ConfigError& err) {
    throw ConfigError("[app:main] " + e.name + ": " + err.what() +
                      " (a Kinto setting ratchet does not support)");
  }
}

void apply_ini(Settings& s, const std::vector<IniEntry>& entries, const Registry& registry) {
  for (const IniEntry& e : entries) {
    if (e.section == "ratchet") {
      set_setting(s, e.name, e.value, registry);
    } else if (e.section == "app:main") {
      set_kinto_setting(s, e, registry);
    } else if (foreign_section(e.section)) {
      std::string name = "[" + e.section + "]";
      if (std::find(s.ignored.begin(), s.ignored.end(), name) == s.ignored.end()) {
        s.ignored.push_back(name);
      }
    } else {
      throw ConfigError("unknown section [" + e.section +
                        "] (settings go in [ratchet], or in [app:main] as Kinto's)");
    }
  }
}

// A secret that keys ids others must not compute cannot be empty: anyone
// could then derive another user's basicauth id or personal bucket id.
void require_secret(const std::string& key, const std::string& value, const std::string& user) {
  if (!value.empty()) return;
  throw ConfigError("setting '" + key + "' is not set: " + user +
                    " needs it as a secret key (a long random string; scripts/serve writes "
                    "one into ./ratchet.ini)");
}

std::string names(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out.empty() ? "none" : out;
}

// What `includes` and `multiauth.policies` name exists, and the secrets of
// what is enabled are set.
void check_plugins(const Settings& settings, const Registry& registry) {
  std::vector<std::string> offered;
  for (const Plugin& p : registry.plugins()) offered.push_back(p.name);
  for (const auto& name : settings.includes) {
    if (std::find(offered.begin(), offered.end(), name) == offered.end()) {
      bad("includes", name, "plugins among " + names(offered));
    }
  }
  for (const auto& policy : settings.multiauth_policies) {
    if (policy == "basicauth") continue;
    const Plugin* provider = nullptr;
    for (const Plugin& p : registry.plugins()) {
      const auto& mine = p.auth_policies;
      if (std::find(mine.begin(), mine.end(), policy) != mine.end()) provider = &p;
    }
    if (!provider) bad("multiauth.policies", policy, "basicauth or a policy of a plugin");
    if (!settings.included(provider->name)) {
      throw ConfigError("setting 'multiauth.policies': the " + policy + " policy needs '" +
                        provider->name + "' in includes");
    }
  }
  const auto& policies = settings.multiauth_policies;
  if (std::find(policies.begin(), policies.end(), "basicauth") != policies.end()) {
    require_secret("userid_hmac_secret", settings.userid_hmac_secret, "the basicauth policy");
  }
  for (const Plugin& p : registry.plugins()) {
    if (!settings.included(p.name)) continue;
    for (const Plugin::Key& key : p.keys) {
      if (key.secret) require_secret(key.name, settings.extra_or(key.name, ""), "the " + p.name + " plugin");
    }
  }
}

// A plugin's key, checked by the plugin.
bool set_plugin_key(Settings& s, const std::string& key, const std::string& value,
                    const Registry& registry) {
  for (const Plugin& p : registry.plugins()) {
    for (const Plugin::Key& k : p.keys) {
      if (k.name != key) continue;
      if (k.check) k.check(value);
      s.extra[key] = value;
      return true;
    }
  }
  return false;
}

// `registry` with every offered plugin included: the settings keys of their
// resources (account_create_principals, ...) are valid whatever `includes`
// says. A plugin whose resources `registry` already declares is skipped.
Registry with_every_plugin(const Registry& registry) {
  static const Settings defaults;
  Registry all = registry;
  for (const Plugin& p : registry.plugins()) {
    Registry trial = all;
    try {
      p.includeme(trial, defaults);
    } catch (const std::invalid_argument&) {  // "resource declared twice"
      continue;
    }
    all = std::move(trial);
  }
  return all;
}

// A cluster node needs a name and an address its peers reach.
void check_cluster(const Settings& s) {
  if (!s.clustered()) return;
  if (s.cluster_node_id.empty()) {
    throw ConfigError("setting 'cluster_node_id' is not set: a cluster node (cluster_etcd is set) "
                      "needs a unique, stable name");
  }
  if (s.cluster_advertise.find(':') == std::string::npos) {
    bad("cluster_advertise", s.cluster_advertise, "host:port of this node's peer endpoint");
  }
  if (s.cluster_min_insync > s.cluster_replicas) {
    bad("cluster_min_insync", std::to_string(s.cluster_min_insync),
        "at most cluster_replicas (" + std::to_string(s.cluster_replicas) + ")");
  }
}

}  // namespace

std::string Settings::extra_or(const std::string& key, const std::string& fallback) const {
  auto it = extra.find(key);
  return it == extra.end() ? fallback : it->second;
}

bool Settings::included(const std::string& plugin) const {
  return std::find(includes.begin(), includes.end(), plugin) != includes.end();
}

int64_t Settings::page_size(int64_t requested) const {
  int64_t l = requested < 0 ? paginate_by : requested;
  if (l > 0 && paginate_by > 0) l = std::min(l, paginate_by);
  // Kinto's quirk: an explicit _limit=0 means the largest page.
  if (l <= 0) return storage_max_fetch_size;
  return std::min(l, storage_max_fetch_size);
}

const std::vector<std::string>& Settings::grants(const std::string& type,
                                                 const std::string& perm) const {
  static const std::vector<std::string> none;
  auto it = principals.find(type + "_" + perm);
  return it == principals.end() ? none : it->second;
}

void set_setting(Settings& settings, const std::string& key, const std::string& value,
                 const Registry& registry) {
  auto it = fixed_keys().find(key);
  if (it != fixed_keys().end()) {
    it->second(settings, key, value);
    return;
  }
  if (set_plugin_key(settings, key, value, registry)) return;
  if (!set_per_type(settings, key, value, with_every_plugin(registry))) {
    throw ConfigError("unknown setting '" + key + "'");
  }
}

Settings load_settings(const std::string& path, char** environ, const Registry& registry) {
  Settings settings;
  if (!path.empty()) {
    std::vector<IniEntry> entries;
    int rc = ini_parse(path.c_str(), on_ini_entry, &entries);
    if (rc < 0) throw ConfigError("cannot read configuration file '" + path + "'");
    if (rc > 0) throw ConfigError(path + ": syntax error on line " + std::to_string(rc));
    try {
      apply_ini(settings, entries, registry);
    } catch (const ConfigError& e) {
      throw ConfigError(path + ": " + e.what());
    }
    settings.config_path = path;
  }
  static const std::string prefix = "RATCHET_";
  for (char** e = environ; e && *e; ++e) {
    std::string entry = *e;
    if (entry.rfind(prefix, 0) != 0) continue;
    size_t eq = entry.find('=');
    std::string key = entry.substr(prefix.size(), eq - prefix.size());
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    try {
      set_setting(settings, key, entry.substr(eq + 1), registry);
    } catch (const ConfigError& err) {
      throw ConfigError("environment " + entry.substr(0, eq) + ": " + err.what());
    }
  }
  check_plugins(settings, registry);
  check_cluster(settings);
  // As Kinto: the admin UI needs the permissions endpoint.
  if (settings.included("admin")) settings.experimental_permissions_endpoint = true;
  return settings;
}

}  // namespace ratchet
