#include "store/list_store.h"

#include <set>

#include "core/acl.h"
#include "ratchet/json.h"
#include "store/catalog.h"
#include "store/change_keys.h"

namespace ratchet {
namespace {

std::set<std::string> members_of(std::string_view text, const std::string& field) {
  std::set<std::string> out;
  if (text.empty()) return out;
  Json doc = parse_json(text);
  auto it = doc.find(field);
  if (it == doc.end() || !it->is_array()) return out;
  for (const Json& m : *it) {
    if (m.is_string()) out.insert(m.get<std::string>());
  }
  return out;
}

// True when objects of `type` or of a type below it confer principals.
bool grants_membership(const Registry& registry, const ResourceType& type) {
  if (!type.members_field.empty()) return true;
  for (const ResourceType* child : registry.children(type)) {
    if (grants_membership(registry, *child)) return true;
  }
  return false;
}

}  // namespace

ListStore::ListStore(Engine& engine, const Registry& registry, const ResourceType& type,
                     std::string parent)
    : registry_(registry),
      type_(type),
      has_children_(!registry.children(type).empty()),
      pending_(engine),
      view_(pending_, ListId{std::move(parent), type.name}) {
  load();
}

void ListStore::load() {
  pending_.refresh();
  ts_ = view_.timestamp();
  count_ = view_.count();
}

void ListStore::advance_timestamp(int64_t ts) {
  if (ts <= ts_) return;
  ts_ = ts;
  ts_dirty_ = true;
}

void ListStore::record(Change change) {
  write_change(change, pending_);
  building_.changes.push_back(std::move(change));
}

void ListStore::put(const std::string& id, int64_t ts, const std::string& data,
                    const std::string& acl, const StoredObject& old) {
  advance_timestamp(ts);
  PutObject put{list(), id, ts, catalog::object_text(id, ts, data), std::nullopt, std::nullopt,
                false};
  if (old.exists) {
    put.replaced_ts = old.ts;
  } else if (auto tomb = view_.tombstone(id)) {
    put.replaced_ts = *tomb;
    put.replaced_tombstone = true;
  }
  if (!old.exists) ++count_;
  std::string uri = object_uri(type_, list().parent, id);
  if (!type_.members_field.empty()) update_members(uri, old.text, put.text);
  if (!type_.per_user) {
    update_grants(uri, old.acl, acl);
    put.acl = acl;
  }
  record(std::move(put));
}

void ListStore::remove(const std::string& id, int64_t ts, const StoredObject& old) {
  advance_timestamp(ts);
  std::string uri = object_uri(type_, list().parent, id);
  if (!type_.members_field.empty()) update_members(uri, old.text, "");
  if (!type_.per_user) update_grants(uri, old.acl, "");
  if (has_children_) {
    purge_members_below(type_, uri);
    record(RemoveSubtree{uri});
  }
  record(RemoveObject{list(), id, ts, old.ts});
  --count_;
}

void ListStore::post_outbox(const ListId& list, int64_t ts, std::string_view uri,
                            std::string payload) {
  record(OutboxRecord{list, keys::outbox_record(ts, uri), std::move(payload), true});
}

std::vector<std::pair<std::string, std::string>> ListStore::outbox() const {
  std::string lp = keys::list_prefix(list().parent, list().resource);
  std::string begin = keys::outbox_begin(lp);
  std::vector<std::pair<std::string, std::string>> out;
  std::string ignored;
  for (auto c = committed_state().scan(begin, keys::outbox_end(lp), false); c->valid(); c->next()) {
    if (!pending_.get(c->key(), &ignored)) continue;  // taken by a write not yet durable
    out.emplace_back(std::string(c->key().substr(begin.size())), std::string(c->value()));
  }
  return out;
}

std::optional<std::string> ListStore::outbox_record(const std::string& key) const {
  std::string payload;
  if (!pending_.get(keys::outbox(keys::list_prefix(list().parent, list().resource), key), &payload)) {
    return std::nullopt;
  }
  return payload;
}

void ListStore::take_outbox(const std::string& key) {
  record(OutboxRecord{list(), key, "", false});
}

void ListStore::update_index(IndexEntry::Index index, const std::string& uri,
                             const std::set<std::string>& before,
                             const std::set<std::string>& after) {
  for (const auto& p : before) {
    if (!after.count(p)) record(IndexEntry{index, p, uri, false});
  }
  for (const auto& p : after) {
    if (!before.count(p)) record(IndexEntry{index, p, uri, true});
  }
}

void ListStore::update_grants(const std::string& uri, const std::string& old_acl,
                              const std::string& new_acl) {
  if (old_acl == new_acl) return;
  update_index(IndexEntry::Index::kGrant, uri, acl_principals(old_acl), acl_principals(new_acl));
}

void ListStore::update_members(const std::string& uri, const std::string& old_text,
                               const std::string& new_text) {
  auto before = members_of(old_text, type_.members_field);
  auto after = members_of(new_text, type_.members_field);
  update_index(IndexEntry::Index::kMember, uri, before, after);
  members_dirty_ = members_dirty_ || before != after;
}

// Membership entries of groups anywhere below `uri` go with the subtree. The
// lists below are closed to writers, so the committed state is theirs.
void ListStore::purge_members_below(const ResourceType& type, const std::string& uri) {
  for (const ResourceType* child : registry_.children(type)) {
    if (!grants_membership(registry_, *child)) continue;
    bool deeper = !registry_.children(*child).empty();
    ListReader lists(committed_state(), ListId{uri, child->name});
    lists.each_object([&](std::string_view id, std::string_view text) {
      std::string child_uri = object_uri(*child, uri, id);
      for (const auto& m : members_of(text, child->members_field)) {
        record(IndexEntry{IndexEntry::Index::kMember, m, child_uri, false});
        members_dirty_ = true;
      }
      if (deeper) purge_members_below(*child, child_uri);
      return true;
    });
  }
}

ListStore::Mark ListStore::mark() const {
  return {pending_.mark(), building_.changes.size(), ts_, count_, ts_dirty_, members_dirty_};
}

void ListStore::rollback(const Mark& mark) {
  pending_.rollback(mark.pending);
  building_.changes.resize(mark.changes);
  ts_ = mark.ts;
  count_ = mark.count;
  ts_dirty_ = mark.ts_dirty;
  members_dirty_ = mark.members_dirty;
}

Commit ListStore::seal() {
  if (dirty()) record(ListState{list(), ts_, count_});
  ts_dirty_ = false;
  sealed_members_dirty_ = members_dirty_;
  members_dirty_ = false;
  pending_.seal();
  Commit out = std::move(building_);
  building_ = Commit{};
  return out;
}

bool ListStore::committed() {
  pending_.committed();
  bool changed = sealed_members_dirty_;
  sealed_members_dirty_ = false;
  return changed;
}

void ListStore::abandon() {
  pending_.clear();
  building_ = Commit{};
  ts_dirty_ = false;
  members_dirty_ = sealed_members_dirty_ = false;
  load();
}

}  // namespace ratchet
