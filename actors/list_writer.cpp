#include "actors/list_writer.h"

#include <algorithm>
#include <set>

#include "actors/list_query.h"
#include "actors/render.h"
#include "core/query.h"
#include "core/patch.h"
#include "core/principals.h"
#include "core/timestamp.h"
#include "store/catalog.h"
#include "store/change_walk.h"
#include "store/keys.h"

namespace ratchet {
namespace {

// Data fields of a stored object text, without id and last_modified.
Json data_of(const std::string& text) {
  Json data = parse_json(text);
  data.erase("id");
  data.erase("last_modified");
  return data;
}

std::set<std::string> members_of(const std::string& text, const std::string& field) {
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

// The fields a PATCH changed (Response-Behavior: light), or those among
// them the server stored differently from what the client sent (diff).
Json changed_fields(const Op& op, const Json& before, const Json& after) {
  Json sent = op.patch_format == PatchFormat::kJsonPatch ? after
              : op.has_data                             ? parse_json(op.data)
                                                        : Json::object();
  Json out = Json::object();
  for (const auto& [k, v] : sent.items()) {
    auto now = after.find(k);
    if (now == after.end() || before.value(k, Json()) == *now) continue;
    if (op.response_behavior == "light" || *now != v) out[k] = *now;
  }
  return out;
}

}  // namespace

ListWriter::ListWriter(Context& ctx, const ResourceType& type, std::string parent)
    : ctx_(ctx),
      type_(type),
      parent_(std::move(parent)),
      lp_(keys::list_prefix(parent_, type_.name)),
      has_children_(!ctx.registry.children(type_).empty()),
      pending_(ctx.engine) {
  load();
}

void ListWriter::load() {
  pending_.refresh();
  ts_ = catalog::list_timestamp(pending_, lp_);
  count_ = catalog::list_count(pending_, lp_);
}

bool ListWriter::needs_committed_state(const Op& op) { return op.plural && op.verb == kDelete; }

ListWriter::Stored ListWriter::load_object(const std::string& id) {
  Stored s;
  s.exists = pending_.get(keys::object(lp_, id), &s.text);
  if (s.exists) {
    s.ts = catalog::object_timestamp(s.text);
    pending_.get(keys::acl(lp_, id), &s.acl);
  }
  return s;
}

std::optional<Result> ListWriter::parent_missing() {
  // A live writer's parent cannot disappear: deleting it closes this list
  // first. So a positive answer is kept.
  if (parent_seen_ || catalog::parent_exists(pending_, ctx_.registry, type_, parent_, nullptr)) {
    parent_seen_ = true;
    return std::nullopt;
  }
  return Result::of(errors::parent_missing(std::string(split_uri(parent_).second), type_.parent));
}

int64_t ListWriter::stamp(bool has_client_ts, int64_t client_ts) {
  std::optional<int64_t> client;
  if (has_client_ts) client = client_ts;
  int64_t ts = next_timestamp(ts_, client, now_ms());
  if (ts > ts_) {
    ts_ = ts;
    ts_dirty_ = true;
  }
  return ts;
}

Result ListWriter::deny(const Op& op) const {
  return Result::of(errors::not_allowed(op.user_id));
}

std::optional<Result> ListWriter::preconditions(const Op& op, const std::string& id,
                                                const Stored& existing) const {
  bool failed = existing.exists
                    ? op.if_none_match.kind == Precondition::kAny ||
                          (op.if_match.kind == Precondition::kValue && op.if_match.value != existing.ts)
                    : op.if_match.kind != Precondition::kNone;
  if (!failed) return std::nullopt;
  if (!existing.exists) {
    Result r = Result::of(errors::precondition_failed(""));
    r.timestamp = ts_;
    return r;
  }
  // The 412 shows the object (details.existing, ETag): only to a caller who
  // may read it. Anyone else gets what the write gets without the
  // precondition: a refusal, since every write allowed on an object implies
  // reading it. (Kinto shows the object to whoever may create, when PUT
  // carries If-None-Match: *.)
  catalog::StoredAcls acls(pending_);
  if (!ctx_.permissions.can_read(acls, op.principals, type_, parent_, id)) return deny(op);
  Result r = Result::of(errors::precondition_failed(existing.text));
  r.timestamp = existing.ts;
  return r;
}

std::optional<Result> ListWriter::author_of(const Op& op, const std::string& id,
                                            std::string* author) const {
  *author = acting_principal(op.user_id);
  if (!type_.before_write) return std::nullopt;
  if (auto refused = type_.before_write(op, id, *author)) return Result::of(*refused);
  return std::nullopt;
}

std::string ListWriter::acl_with_author(const std::string& author, Json acl) const {
  if (ctx_.settings.explicit_permissions) acl["write"].push_back(author);
  return acl_text(acl);
}

std::string ListWriter::processed(const std::string& data, const Stored& old) const {
  if (!type_.process) return data;
  Json doc = parse_json(data);
  Json old_data = old.exists ? data_of(old.text) : Json();
  type_.process(doc, old.exists ? &old_data : nullptr);
  doc.erase("id");
  doc.erase("last_modified");
  return dump(doc);
}

Result ListWriter::object_result(int status, const Op& op, const std::string& author,
                                 const std::string& text, int64_t ts,
                                 const std::string& acl) const {
  // As Kinto: the ACL shows when the requester or the recorded author writes.
  std::vector<std::string> principals = op.principals;
  principals.push_back(author);
  Result r;
  r.status = status;
  r.timestamp = ts;
  r.body = object_body(type_, text, acl, principals);
  return r;
}

void ListWriter::store(const std::string& id, int64_t ts, const std::string& data,
                       const std::string& acl, const Stored& old) {
  std::string text = catalog::object_text(id, ts, data);
  if (old.exists) {
    pending_.del(keys::change(lp_, old.ts, id));
  } else {
    std::string tomb;
    if (pending_.get(keys::tombstone(lp_, id), &tomb)) {
      pending_.del(keys::tombstone(lp_, id));
      pending_.del(keys::change(lp_, catalog::decode_int(tomb), id));
    }
    ++count_;
  }
  std::string uri = object_uri(type_, parent_, id);
  if (!type_.members_field.empty()) update_members(uri, old.text, text);
  pending_.put(keys::change(lp_, ts, id), "");
  pending_.put(keys::object(lp_, id), std::move(text));
  if (type_.per_user) return;
  update_grants(uri, old.acl, acl);
  pending_.put(keys::acl(lp_, id), acl);
}

void ListWriter::update_grants(const std::string& uri, const std::string& old_acl,
                               const std::string& new_acl) {
  if (old_acl == new_acl) return;
  auto before = acl_principals(old_acl);
  auto after = acl_principals(new_acl);
  for (const auto& p : before) {
    if (!after.count(p)) pending_.del(keys::grant(p, uri));
  }
  for (const auto& p : after) {
    if (!before.count(p)) pending_.put(keys::grant(p, uri), "");
  }
}

void ListWriter::remove(const std::string& id, int64_t ts, const Stored& old) {
  std::string uri = object_uri(type_, parent_, id);
  if (!type_.members_field.empty()) update_members(uri, old.text, "");
  if (!type_.per_user) update_grants(uri, old.acl, "");
  if (has_children_) {
    purge_members_below(type_, uri);
    for (auto& [begin, end] : keys::subtree(uri)) pending_.del_range(begin, end);
  }
  pending_.del(keys::object(lp_, id));
  pending_.del(keys::acl(lp_, id));
  pending_.del(keys::change(lp_, old.ts, id));
  pending_.put(keys::tombstone(lp_, id), catalog::encode_int(ts));
  pending_.put(keys::change(lp_, ts, id), "d");
  --count_;
}

void ListWriter::update_members(const std::string& uri, const std::string& old_text,
                                const std::string& new_text) {
  auto before = members_of(old_text, type_.members_field);
  auto after = members_of(new_text, type_.members_field);
  for (const auto& m : before) {
    if (!after.count(m)) pending_.del(keys::member(m, uri));
  }
  for (const auto& m : after) {
    if (!before.count(m)) pending_.put(keys::member(m, uri), "");
  }
  members_dirty_ = members_dirty_ || before != after;
}

// True when objects of `type` or of a type below it confer principals.
static bool grants_membership(const Registry& registry, const ResourceType& type) {
  if (!type.members_field.empty()) return true;
  for (const ResourceType* child : registry.children(type)) {
    if (grants_membership(registry, *child)) return true;
  }
  return false;
}

// Membership entries of groups anywhere below `uri` go with the subtree.
void ListWriter::purge_members_below(const ResourceType& type, const std::string& uri) {
  auto snapshot = ctx_.engine.snapshot();
  for (const ResourceType* child : ctx_.registry.children(type)) {
    if (!grants_membership(ctx_.registry, *child)) continue;
    bool deeper = !ctx_.registry.children(*child).empty();
    std::string lp = keys::list_prefix(uri, child->name);
    auto cursor = snapshot->scan(keys::objects_begin(lp), keys::objects_end(lp), false);
    for (; cursor->valid(); cursor->next()) {
      std::string id(cursor->key().substr(lp.size() + 1));
      std::string child_uri = object_uri(*child, uri, id);
      for (const auto& m : members_of(std::string(cursor->value()), child->members_field)) {
        pending_.del(keys::member(m, child_uri));
        members_dirty_ = true;
      }
      if (deeper) purge_members_below(*child, child_uri);
    }
  }
}

Result ListWriter::apply(const Op& op) {
  pending_.refresh();
  Pending::Mark mark = pending_.mark();
  int64_t ts = ts_, count = count_;
  bool ts_dirty = ts_dirty_, members_dirty = members_dirty_;
  try {
    return apply_op(op);
  } catch (...) {
    pending_.rollback(mark);
    ts_ = ts;
    count_ = count;
    ts_dirty_ = ts_dirty;
    members_dirty_ = members_dirty;
    throw;
  }
}

Result ListWriter::apply_op(const Op& op) {
  try {
    if (op.plural) {
      switch (op.verb) {
        case kGet:
        case kHead: return assign_timestamp();
        case kPost: return create(op);
        case kDelete: return delete_list(op);
        default: break;
      }
    } else {
      switch (op.verb) {
        case kPut: return put(op);
        case kPatch: return patch(op);
        case kDelete: return delete_object(op);
        default: break;
      }
    }
    return Result::of(errors::method_not_allowed());
  } catch (const Json::exception& e) {
    // Stored documents are ours and bodies were checked by the frontend and
    // the type's check: what fails here is a client's document meeting a
    // hook's expectations.
    return Result::of(errors::invalid("body", std::nullopt, json_error_message(e)));
  }
}

// A list read before any write gets its timestamp now, persisted (§2.4 invariant 3).
Result ListWriter::assign_timestamp() {
  if (auto missing = parent_missing()) return *missing;
  if (ts_ == 0) {
    ts_ = now_ms();
    ts_dirty_ = true;
  }
  Result r;
  r.timestamp = ts_;
  return r;
}

std::optional<Result> ListWriter::refuse_by_type(const Op& op, const std::string& id,
                                                  std::string* author) {
  catalog::StoredAcls acls(pending_);
  // Kinto scopes accounts by owner: for a caller who may create, a stranger's
  // id is a mismatch (400) whether it exists or not.
  if (!type_.before_write || !ctx_.permissions.can_create(acls, op.principals, type_, parent_)) {
    return std::nullopt;
  }
  return author_of(op, id, author);
}

std::optional<Result> ListWriter::check_data(const std::string& data) const {
  if (!type_.check) return std::nullopt;
  std::vector<ErrorDetail> problems;
  type_.check(parse_json(data), problems);
  if (problems.empty()) return std::nullopt;
  return Result::of(errors::invalid(std::move(problems)));
}

std::string ListWriter::new_id() {
  if (!type_.ids.generate) return "";
  std::string id;
  do {  // a collision is unlikely, not impossible (8-character names)
    id = type_.ids.generate();
  } while (load_object(id).exists);
  return id;
}

Result ListWriter::create(const Op& op) {
  std::string id = op.id.empty() ? new_id() : op.id;
  std::string author;
  if (auto refused = refuse_by_type(op, id, &author)) return *refused;
  Stored existing = load_object(id);
  catalog::StoredAcls acls(pending_);
  const Permissions& perms = ctx_.permissions;
  if (existing.exists) {
    // POST of an existing id answers the stored object (§3.3).
    if (!perms.can_read(acls, op.principals, type_, parent_, id)) return deny(op);
    if (op.has_error) return Result::of(op.error);
    if (auto failed = preconditions(op, id, existing)) return *failed;
    Result r;  // a read of what exists: the ACL only for its writers
    r.timestamp = existing.ts;
    r.body = object_body(type_, existing.text, existing.acl, op.principals);
    return r;
  }
  if (!perms.can_create(acls, op.principals, type_, parent_)) return deny(op);
  if (auto missing = parent_missing()) return *missing;
  if (op.has_error) return Result::of(op.error);
  if (id.empty()) return Result::of(errors::invalid("body", std::string("data.id"), "Required"));
  if (auto failed = preconditions(op, id, existing)) return *failed;
  if (auto refused = author_of(op, id, &author)) return *refused;
  std::string data = op.has_data ? op.data : "{}";
  if (auto invalid = check_data(data)) return *invalid;
  data = processed(data, existing);
  std::string acl =
      acl_with_author(author, op.has_permissions ? parse_json(op.permissions) : Json::object());
  int64_t ts = stamp(op.has_client_ts, op.client_ts);
  store(id, ts, data, acl, existing);
  return object_result(201, op, author, catalog::object_text(id, ts, data), ts, acl);
}

Result ListWriter::put(const Op& op) {
  std::string author;
  if (auto refused = refuse_by_type(op, op.id, &author)) return *refused;
  Stored existing = load_object(op.id);
  catalog::StoredAcls acls(pending_);
  const Permissions& perms = ctx_.permissions;
  bool replacing = existing.exists && op.if_none_match.kind != Precondition::kAny;
  bool allowed = op.implicit ||
                 (replacing ? perms.can_write(acls, op.principals, type_, parent_, op.id)
                            : perms.can_create(acls, op.principals, type_, parent_));
  if (!allowed) return deny(op);
  if (auto missing = parent_missing()) return *missing;
  if (op.has_error) return Result::of(op.error);
  if (auto failed = preconditions(op, op.id, existing)) return *failed;
  if (auto refused = author_of(op, op.id, &author)) return *refused;
  std::string data = op.has_data ? op.data : existing.exists ? dump(data_of(existing.text)) : "{}";
  if (auto invalid = check_data(data)) return *invalid;
  data = processed(data, existing);
  Json acl = op.has_permissions ? parse_json(op.permissions)
             : existing.exists  ? parse_json(existing.acl.empty() ? "{}" : existing.acl)
                                : Json::object();
  std::string acl_text = acl_with_author(author, std::move(acl));
  // A replacement keeps a client timestamp only when it is newer (§2.4).
  bool client_ts = op.has_client_ts && (!existing.exists || op.client_ts > existing.ts);
  int64_t ts = stamp(client_ts, op.client_ts);
  store(op.id, ts, data, acl_text, existing);
  return object_result(existing.exists ? 200 : 201, op, author,
                       catalog::object_text(op.id, ts, data), ts, acl_text);
}

Result ListWriter::patch(const Op& op) {
  Stored existing = load_object(op.id);
  catalog::StoredAcls acls(pending_);
  const Permissions& perms = ctx_.permissions;
  if (!existing.exists) {
    if (!perms.can_read_all(acls, op.principals, type_, parent_)) return deny(op);
    return Result::of(errors::object_missing(op.id, type_.name));
  }
  if (!perms.can_write(acls, op.principals, type_, parent_, op.id)) return deny(op);
  if (op.has_error) return Result::of(op.error);
  if (auto failed = preconditions(op, op.id, existing)) return *failed;
  std::string author;
  if (auto refused = author_of(op, op.id, &author)) return *refused;

  Json before = parse_json(existing.text);
  Json data = before;
  Json acl = parse_json(existing.acl.empty() ? "{}" : existing.acl);
  if (auto err = apply_patch(op, ctx_.registry.permissions(type_), data, acl)) {
    return Result::of(*err);
  }
  auto lm = data.find("last_modified");
  bool client_ts = lm != data.end() && lm->is_number_integer() &&
                   lm->get<int64_t>() > existing.ts &&
                   acceptable_client_timestamp(lm->get<int64_t>(), now_ms());
  int64_t client_value = client_ts ? lm->get<int64_t>() : 0;
  data.erase("id");
  data.erase("last_modified");
  std::string data_text = dump(data);
  if (auto invalid = check_data(data_text)) return *invalid;
  data_text = processed(data_text, existing);
  std::string acl_text = acl_with_author(author, std::move(acl));
  int64_t ts = stamp(client_ts, client_value);
  store(op.id, ts, data_text, acl_text, existing);
  std::string text = catalog::object_text(op.id, ts, data_text);
  if (op.response_behavior == "light" || op.response_behavior == "diff") {
    Result r = object_result(200, op, author, text, ts, acl_text);
    r.body = "{\"data\":" + dump(changed_fields(op, before, parse_json(text))) + "}";
    return r;
  }
  return object_result(200, op, author, text, ts, acl_text);
}

Batch ListWriter::seal() {
  if (ts_dirty_) pending_.put(keys::timestamp(lp_), catalog::encode_int(ts_));
  if (!pending_.empty()) pending_.put(keys::count(lp_), catalog::encode_int(count_));
  ts_dirty_ = false;
  sealed_members_dirty_ = members_dirty_;
  members_dirty_ = false;
  return pending_.seal();
}

void ListWriter::committed() {
  pending_.committed();
  if (sealed_members_dirty_) ctx_.membership_version++;
  sealed_members_dirty_ = false;
}

void ListWriter::abandon() {
  pending_.clear();
  ts_dirty_ = false;
  members_dirty_ = sealed_members_dirty_ = false;
  load();
}

}  // namespace ratchet
