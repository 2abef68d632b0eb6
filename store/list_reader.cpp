#include "store/list_reader.h"

#include <set>

#include "core/acl.h"
#include "store/catalog.h"
#include "store/keys.h"

namespace ratchet {

ListView::ListView(const Reader& reader, ListId list)
    : reader_(reader), list_(std::move(list)), lp_(keys::list_prefix(list_.parent, list_.resource)) {}

StoredObject ListView::get(std::string_view id) const {
  StoredObject s;
  s.exists = text(id, &s.text);
  if (s.exists) {
    s.ts = catalog::object_timestamp(s.text);
    acl(id, &s.acl);
  }
  return s;
}

bool ListView::text(std::string_view id, std::string* text) const {
  return reader_.get(keys::object(lp_, id), text);
}

bool ListView::acl(std::string_view id, std::string* acl) const {
  return reader_.get(keys::acl(lp_, id), acl);
}

std::optional<int64_t> ListView::tombstone(std::string_view id) const {
  std::string v;
  if (!reader_.get(keys::tombstone(lp_, id), &v)) return std::nullopt;
  return catalog::decode_int(v);
}

int64_t ListView::timestamp() const {
  std::string v;
  return reader_.get(keys::timestamp(lp_), &v) ? catalog::decode_int(v) : 0;
}

int64_t ListView::count() const {
  std::string v;
  return reader_.get(keys::count(lp_), &v) ? catalog::decode_int(v) : 0;
}

ListReader::ListReader(const Snapshot& snapshot, ListId list)
    : ListView(snapshot, std::move(list)), snapshot_(snapshot) {}

ChangeWalk ListReader::changes(bool reverse, int64_t min_ts, int64_t max_ts,
                               const std::optional<ChangeWalk::Position>& after) const {
  return ChangeWalk(snapshot_, lp_, reverse, min_ts, max_ts, after);
}

void ListReader::each_object(
    const std::function<bool(std::string_view id, std::string_view text)>& visit) const {
  auto cursor = snapshot_.scan(keys::objects_begin(lp_), keys::objects_end(lp_), false);
  for (; cursor->valid(); cursor->next()) {
    if (!visit(cursor->key().substr(lp_.size() + 1), cursor->value())) return;
  }
}

std::vector<std::string> ListReader::granted_ids(const std::string& uri_prefix,
                                                 const std::vector<std::string>& principals,
                                                 const std::vector<std::string_view>& perms) const {
  std::set<std::string> candidates;
  for (const auto& p : principals) {
    each_granted_uri(snapshot_, p, uri_prefix, [&](std::string_view uri) {
      std::string_view id = uri.substr(uri_prefix.size());
      if (id.find('/') == std::string_view::npos) candidates.emplace(id);  // not deeper
      return true;
    });
  }
  std::vector<std::string> out;
  std::string text;
  for (const auto& id : candidates) {
    if (acl(id, &text) && acl_grants(text, perms, principals)) out.push_back(id);
  }
  return out;
}

std::vector<std::string> groups_of(const Snapshot& snapshot, std::string_view member) {
  std::vector<std::string> out;
  std::string begin = keys::members_begin(member);
  auto cursor = snapshot.scan(begin, keys::members_end(member), false);
  for (; cursor->valid(); cursor->next()) out.emplace_back(cursor->key().substr(begin.size()));
  return out;
}

void each_granted_uri(const Snapshot& snapshot, std::string_view principal,
                      std::string_view uri_prefix,
                      const std::function<bool(std::string_view uri)>& visit) {
  size_t uri_at = keys::grants_begin(principal).size();
  auto cursor = snapshot.scan(keys::grants_begin(principal, uri_prefix),
                              keys::grants_end(principal, uri_prefix), false);
  for (; cursor->valid(); cursor->next()) {
    if (!visit(cursor->key().substr(uri_at))) return;
  }
}

}  // namespace ratchet
