#include "store/catalog.h"

#include <simdjson.h>

#include <charconv>

#include "ratchet/json.h"
#include "store/keys.h"
#include "store/list_reader.h"

namespace ratchet::catalog {

std::string encode_int(int64_t v) { return std::to_string(v); }

int64_t decode_int(std::string_view text) {
  int64_t v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v);
  return v;
}

bool parent_exists(const Reader& reader, const Registry& registry, const ResourceType& type,
                   std::string_view parent, std::string* text) {
  const ResourceType* parent_type = registry.parent_of(type);
  if (!parent_type) return true;
  auto [grandparent, id] = split_uri(parent);
  std::string ignored;
  return ListView(reader, ListId{std::string(grandparent), parent_type->name})
      .text(id, text ? text : &ignored);
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

bool StoredAcls::acl(const ResourceType& type, std::string_view parent, std::string_view id,
                     std::string* text) {
  return ListView(reader_, ListId{std::string(parent), type.name}).acl(id, text);
}

std::vector<ListId> lists_with_outbox(const Snapshot& snapshot) {
  std::vector<ListId> out;
  std::string begin = keys::kOutboxPrefix;
  const std::string end = std::string("\x01") + "p";
  for (;;) {
    auto c = snapshot.scan(begin, end, false);
    if (!c->valid()) return out;
    std::string_view rest = c->key().substr(keys::kOutboxPrefix.size());
    size_t p = rest.find('\0');
    size_t r = rest.find('\0', p + 1);
    ListId list{std::string(rest.substr(0, p)), std::string(rest.substr(p + 1, r - p - 1))};
    begin = keys::outbox_end(keys::list_prefix(list.parent, list.resource));
    out.push_back(std::move(list));
  }
}

}  // namespace ratchet::catalog
