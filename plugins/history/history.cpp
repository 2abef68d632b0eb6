#include "plugins/history/history.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <functional>
#include <map>
#include <set>

#include "plugins/history/snapshot.h"
#include "ratchet/settings.h"

namespace ratchet {
namespace {

const std::vector<std::string> kTracked{"bucket", "group", "collection", "record"};

struct HistorySettings {
  std::vector<std::string> excluded_users;
  std::vector<std::string> excluded_uris;
  int64_t trim_max = -1;
  int64_t trim_threshold = 100;
  std::vector<std::string> trim_users;
};

bool has(const std::vector<std::string>& items, const std::string& value) {
  return std::find(items.begin(), items.end(), value) != items.end();
}

HistorySettings read_settings(const Settings& s) {
  HistorySettings h;
  h.excluded_users = setting_list(s.extra_or("history.exclude_user_ids", ""));
  h.excluded_uris = setting_list(s.extra_or("history.exclude_resources", ""));
  h.trim_max = setting_int("history.auto_trim_max_count",
                           s.extra_or("history.auto_trim_max_count", "-1"), -1, INT64_C(1) << 40);
  h.trim_threshold = setting_int("history.auto_trim_threshold",
                                 s.extra_or("history.auto_trim_threshold", "100"), 0, INT64_C(1) << 40);
  h.trim_users = setting_list(s.extra_or("history.auto_trim_user_ids", ""));
  return h;
}

// "2016-07-20T09:18:36.530281+00:00", now (Python's isoformat of an aware UTC datetime).
std::string iso_now() {
  auto now = std::chrono::system_clock::now();
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(micros / 1000000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char out[64];
  std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%06lld+00:00", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(micros % 1000000));
  return out;
}

// {"bucket": "b", "collection": "c", ...} of a URI (the capability's excluded_resources).
Json uri_parts(const std::string& uri) {
  Json out = Json::object();
  std::vector<std::string> parts;
  for (size_t begin = 1; begin <= uri.size();) {
    size_t end = std::min(uri.find('/', begin), uri.size());
    parts.push_back(uri.substr(begin, end - begin));
    begin = end + 1;
  }
  for (size_t i = 0; i + 1 < parts.size(); i += 2) {
    std::string plural = parts[i];
    out[plural.substr(0, plural.size() - 1)] = parts[i + 1];
  }
  return out;
}

void add_principals(const std::string& acl_text, std::set<std::string>& out) {
  if (acl_text.empty()) return;
  Json acl = parse_json(acl_text);
  for (const char* perm : {"read", "write"}) {
    auto it = acl.find(perm);
    if (it == acl.end() || !it->is_array()) continue;
    for (const Json& p : *it) out.insert(p.get<std::string>());
  }
}

// The outbox record of a write: the entry and its ACL.
std::optional<OutboxPost> entry_of(const HistorySettings& h, const WriteEvent& w) {
  if (!has(kTracked, w.type.name) || has(h.excluded_users, w.user_id)) return std::nullopt;
  // A bucket's history goes with it.
  if (w.type.name == "bucket" && std::string(w.action) == "delete") return std::nullopt;
  // The bucket, then the collection, among the object and its ancestors.
  std::vector<const StoredAncestor*> chain;
  for (auto it = w.ancestors.rbegin(); it != w.ancestors.rend(); ++it) chain.push_back(&*it);
  StoredAncestor self{w.uri, w.text, w.acl};
  chain.push_back(&self);
  const std::string& bucket_uri = chain.front()->uri;
  for (const StoredAncestor* level : chain) {
    if (has(h.excluded_uris, level->uri)) return std::nullopt;
  }
  std::set<std::string> readers;
  for (const StoredAncestor* level : chain) add_principals(level->acl, readers);

  // The entry, with the object's stored text and ACL as they are (no parse).
  std::string name = w.type.name;
  std::string data = "{\"action\":" + quote(w.action) + ",\"resource_name\":" + quote(name) +
                     ",\"uri\":" + quote(w.uri) + ",\"" + name + "_id\":" +
                     quote(split_uri(w.uri).second);
  if (name == "record") data += ",\"collection_id\":" + quote(split_uri(chain[1]->uri).second);
  data += ",\"user_id\":" + (w.user_id.empty() ? std::string("null") : quote(w.user_id)) +
          ",\"date\":" + quote(iso_now()) + ",\"target\":{\"data\":" + w.text +
          ",\"permissions\":" + (w.acl.empty() ? std::string("{}") : w.acl) + "}}";
  Json acl = {{"read", Json(std::vector<std::string>(readers.begin(), readers.end()))}};
  return OutboxPost{bucket_uri, "history", std::move(data), dump(acl)};
}

// Kinto's trimming: per resource name (and per user, when only some users'
// entries are trimmed), once a group holds more than max + threshold
// entries, all but its `max` newest go.
std::vector<std::string> trimmed(const HistorySettings& h, int64_t count, const ObjectWalk& entries) {
  if (h.trim_max <= 0 || count <= h.trim_max + h.trim_threshold) return {};
  std::map<std::string, std::vector<std::pair<int64_t, std::string>>> groups;
  entries([&](std::string_view id, std::string_view text) {
    Json entry = parse_json(text);
    std::string user = entry.value("user_id", Json()).is_string() ? entry["user_id"].get<std::string>() : "";
    if (!h.trim_users.empty() && !has(h.trim_users, user)) return;
    std::string group = entry.value("resource_name", "");
    if (!h.trim_users.empty()) group += '\n' + user;
    groups[group].emplace_back(entry.value("last_modified", INT64_C(0)), std::string(id));
  });
  std::vector<std::string> out;
  for (auto& [group, items] : groups) {
    if (static_cast<int64_t>(items.size()) <= h.trim_max + h.trim_threshold) continue;
    std::sort(items.begin(), items.end(), std::greater<>());
    for (size_t i = static_cast<size_t>(h.trim_max); i < items.size(); ++i) out.push_back(items[i].second);
  }
  return out;
}

}  // namespace

Plugin history_plugin() {
  auto integer = [](const char* key) {
    return Plugin::Key{.name = key, .check = [key](const std::string& v) {
                         setting_int(key, v, -1, INT64_C(1) << 40);
                       }};
  };
  Plugin plugin{.name = "history",
                .keys = {{.name = "history.exclude_user_ids"},
                         {.name = "history.exclude_resources"},
                         {.name = "history.auto_trim_user_ids"},
                         integer("history.auto_trim_max_count"),
                         integer("history.auto_trim_threshold")}};
  plugin.includeme = [](Registry& registry, const Settings& settings) {
    HistorySettings h = read_settings(settings);
    registry.add({.name = "history",
                  .plural = "history",
                  .parent = "bucket",
                  .ids = uuid_ids(),
                  .plural_verbs = kGet | kHead | kDelete,
                  .object_verbs = 0,
                  .fed_by_outbox = true,
                  .trim = [h](int64_t count, const ObjectWalk& entries) {
                    return trimmed(h, count, entries);
                  }});
    registry.add_write_listener([h](const WriteEvent& w) { return entry_of(h, w); });
    registry.add_pages("/buckets/*/snapshot", collection_snapshot);
    Json capability = {{"description", "Track changes on data."},
                       {"url", "http://kinto.readthedocs.io/en/latest/api/1.x/history.html"}};
    if (h.trim_max > 0) capability["auto_trim_max_count"] = h.trim_max;
    if (!h.trim_users.empty()) capability["auto_trim_user_ids"] = h.trim_users;
    if (!h.excluded_uris.empty()) {
      Json excluded = Json::array();
      for (const auto& uri : h.excluded_uris) excluded.push_back(uri_parts(uri));
      capability["excluded_resources"] = excluded;
    }
    registry.add_capability("history", capability);
  };
  return plugin;
}

}  // namespace ratchet
