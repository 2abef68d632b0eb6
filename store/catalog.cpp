#include "store/catalog.h"

#include <simdjson.h>

#include <charconv>
#include <set>

#include "core/acl.h"

#include "core/json.h"

namespace ratchet::catalog {

std::string encode_int(int64_t v) { return std::to_string(v); }

int64_t decode_int(std::string_view text) {
  int64_t v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v);
  return v;
}

int64_t list_timestamp(const Reader& reader, const std::string& lp) {
  std::string v;
  return reader.get(keys::timestamp(lp), &v) ? decode_int(v) : 0;
}

int64_t list_count(const Reader& reader, const std::string& lp) {
  std::string v;
  return reader.get(keys::count(lp), &v) ? decode_int(v) : 0;
}

bool parent_exists(const Reader& reader, const Registry& registry, const ResourceType& type,
                   std::string_view parent, std::string* text) {
  const ResourceType* parent_type = registry.parent_of(type);
  if (!parent_type) return true;
  auto [grandparent, id] = split_uri(parent);
  std::string ignored;
  return reader.get(keys::object(keys::list_prefix(grandparent, parent_type->name), id),
                    text ? text : &ignored);
}

std::string object_text(std::string_view id, int64_t ts, std::string_view data) {
  std::string out = "{\"id\":";
  out += quote(id);
  out += ",\"last_modified\":";
  out += std::to_string(ts);
  if (data.size() > 2) {
    out += ',';
    out.append(data.substr(1));
  } else {
    out += '}';
  }
  return out;
}

int64_t object_timestamp(std::string_view text) {
  thread_local simdjson::ondemand::parser parser;
  simdjson::padded_string padded(text);
  simdjson::ondemand::document doc;
  int64_t ts = 0;
  if (parser.iterate(padded).get(doc) || doc["last_modified"].get_int64().get(ts)) return 0;
  return ts;
}

std::string tombstone_text(std::string_view id, int64_t ts) {
  return "{\"deleted\":true,\"id\":" + quote(id) + ",\"last_modified\":" + std::to_string(ts) +
         "}";
}

std::vector<std::string> granted_ids(const Snapshot& snapshot, const std::string& lp,
                                     const std::string& uri_prefix,
                                     const std::vector<std::string>& principals,
                                     const std::vector<std::string_view>& perms) {
  std::set<std::string> candidates;
  for (const auto& p : principals) {
    std::string begin = keys::grants_begin(p, uri_prefix);
    auto cursor = snapshot.scan(begin, keys::grants_end(p, uri_prefix), false);
    for (; cursor->valid(); cursor->next()) {
      std::string_view id = cursor->key().substr(begin.size());
      if (id.find('/') == std::string_view::npos) candidates.emplace(id);  // not deeper
    }
  }
  std::vector<std::string> out;
  std::string acl;
  for (const auto& id : candidates) {
    if (snapshot.get(keys::acl(lp, id), &acl) && acl_grants(acl, perms, principals)) {
      out.push_back(id);
    }
  }
  return out;
}

bool StoredAcls::acl(const ResourceType& type, std::string_view parent, std::string_view id,
                     std::string* text) {
  return reader_.get(keys::acl(keys::list_prefix(parent, type.name), id), text);
}

}  // namespace ratchet::catalog
