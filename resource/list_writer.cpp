#include "resource/list_writer.h"

#include <algorithm>

#include "resource/list_query.h"
#include "resource/render.h"
#include "resource/request_policy.h"
#include "core/query.h"
#include "core/patch.h"
#include "core/principals.h"
#include "core/timestamp.h"
#include "store/catalog.h"

namespace ratchet {
namespace {

// An object's data fields: without id and last_modified.
Json without_meta(Json object) {
  object.erase("id");
  object.erase("last_modified");
  return object;
}

// Data fields of a stored object text.
Json data_of(const std::string& text) { return without_meta(parse_json(text)); }

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
      has_children_(!ctx.registry.children(type_).empty()),
      store_(ctx.engine, ctx.registry, type_, parent_) {}

bool ListWriter::needs_committed_state(const Op& op) { return op.plural && op.verb == kDelete; }

StoredObject ListWriter::load_object(const std::string& id) { return store_.view().get(id); }

Refusal ListWriter::missing_parent() {
  // A live writer's parent cannot disappear: deleting it closes this list
  // first. So a positive answer is kept.
  if (parent_seen_ || catalog::parent_exists(store_.reader(), ctx_.registry, type_, parent_, nullptr)) {
    parent_seen_ = true;
    return std::nullopt;
  }
  return parent_missing(type_, parent_);
}

int64_t ListWriter::stamp(std::optional<int64_t> client) {
  return next_timestamp(store_.timestamp(), client, now_ms());
}

std::optional<int64_t> ListWriter::client_timestamp(const Op& op, const StoredObject& existing) {
  return kept_client_timestamp(op.has_client_ts ? std::optional(op.client_ts) : std::nullopt,
                               existing.exists, existing.ts);
}

Refusal ListWriter::preconditions(const Op& op, const std::string& id,
                                  const StoredObject& existing) const {
  Refusal failed = check_preconditions(
      op, /*read=*/false,
      existing.exists ? PreconditionTarget{true, existing.ts, existing.text}
                      : PreconditionTarget{false, store_.timestamp(), ""});
  // The 412 shows the object (details.existing, ETag): only to a caller who
  // may read it. Anyone else gets what the write gets without the
  // precondition: a refusal, since every write allowed on an object implies
  // reading it. (Kinto shows the object to whoever may create, when PUT
  // carries If-None-Match: *.)
  if (failed && existing.exists) {
    catalog::StoredAcls acls(store_.reader());
    if (!ctx_.permissions.can_read(acls, op.principals, type_, parent_, id)) return denied(op);
  }
  return failed;
}


Refusal ListWriter::author_of(const Op& op, const std::string& id, std::string* author) const {
  *author = acting_principal(op.user_id);
  if (!type_.before_write) return std::nullopt;
  if (auto refused = type_.before_write(op, id, *author)) return Result::of(*refused);
  return std::nullopt;
}

std::string ListWriter::acl_with_author(const std::string& author, Json acl) const {
  if (ctx_.settings.explicit_permissions) acl["write"].push_back(author);
  return acl_text(acl);
}

std::string ListWriter::processed(const std::string& data, const StoredObject& old) const {
  if (!type_.process) return data;
  Json doc = parse_json(data);
  Json old_data = old.exists ? data_of(old.text) : Json();
  type_.process(doc, old.exists ? &old_data : nullptr);
  return dump(without_meta(std::move(doc)));
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

Result ListWriter::apply(const Op& op) {
  store_.refresh();
  ListStore::Mark mark = store_.mark();
  try {
    return apply_op(op);
  } catch (...) {
    store_.rollback(mark);
    throw;
  }
}

Result ListWriter::apply_op(const Op& op) {
  try {
    if (type_.fed_by_outbox && op.implicit && op.plural && op.verb == kPost) {
      return consume_outbox(op);
    }
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
  if (Refusal missing = missing_parent()) return *missing;
  if (store_.timestamp() == 0) store_.advance_timestamp(now_ms());
  Result r;
  r.timestamp = store_.timestamp();
  return r;
}

Refusal ListWriter::refuse_by_type(const Op& op, const std::string& id, std::string* author) {
  catalog::StoredAcls acls(store_.reader());
  // Kinto scopes accounts by owner: for a caller who may create, a stranger's
  // id is a mismatch (400) whether it exists or not.
  if (!type_.before_write || !ctx_.permissions.can_create(acls, op.principals, type_, parent_)) {
    return std::nullopt;
  }
  return author_of(op, id, author);
}

Refusal ListWriter::check_data(const std::string& data) const {
  if (!type_.check) return std::nullopt;
  std::vector<ErrorDetail> problems;
  type_.check(parse_json(data), problems);
  if (problems.empty()) return std::nullopt;
  return Result::of(errors::invalid(std::move(problems)));
}

std::vector<StoredAncestor> ListWriter::stored_ancestors() const {
  std::vector<StoredAncestor> out;
  catalog::StoredAcls acls(store_.reader());
  const ResourceType* type = &type_;
  std::string parent = parent_;
  std::string text;
  while (!type->parent.empty() &&
         catalog::parent_exists(store_.reader(), ctx_.registry, *type, parent, &text)) {
    const ResourceType* up = ctx_.registry.parent_of(*type);
    auto [grandparent, id] = split_uri(parent);
    StoredAncestor ancestor{parent, std::move(text), ""};
    acls.acl(*up, grandparent, id, &ancestor.acl);
    std::string next(grandparent);
    out.push_back(std::move(ancestor));
    type = up;
    parent = std::move(next);
  }
  return out;
}

Refusal ListWriter::prepare(const std::string& id, std::string& data,
                            const StoredObject& existing) const {
  if (Refusal invalid = check_data(data)) return invalid;
  data = processed(data, existing);
  const auto& validators = ctx_.registry.validators(type_.name);
  if (validators.empty()) return std::nullopt;
  Json doc = parse_json(data);
  std::vector<StoredAncestor> ancestors = stored_ancestors();
  for (const WriteValidator& validate : validators) {
    if (auto refused = validate(id, doc, ancestors)) return Result::of(*refused);
  }
  data = dump(doc);
  return std::nullopt;
}

std::string ListWriter::new_id() {
  if (!type_.ids.generate) return "";
  if (type_.ids.unique) return type_.ids.generate();
  std::string id;
  do {  // a collision is unlikely, not impossible (8-character names)
    id = type_.ids.generate();
  } while (load_object(id).exists);
  return id;
}

Result ListWriter::create(const Op& op) {
  std::string id = op.id.empty() ? new_id() : op.id;
  std::string author;
  StoredObject existing;  // a generated id names no object (new_id)
  if (!op.id.empty()) existing = load_object(id);
  catalog::StoredAcls acls(store_.reader());
  const Permissions& perms = ctx_.permissions;
  auto parent = [&] { return missing_parent(); };
  auto preconditions = [&] { return this->preconditions(op, id, existing); };
  if (existing.exists) {
    // POST of an existing id answers the stored object (§3.3): a read.
    Refusal refused = first_refusal(
        op,
        [&] {
          if (Refusal r = refuse_by_type(op, id, &author)) return r;
          return permission(perms.can_read(acls, op.principals, type_, parent_, id), op);
        },
        parent, pass, preconditions, pass);
    if (refused) return *refused;
    Result r;  // the ACL only for its writers
    r.timestamp = existing.ts;
    r.body = object_body(type_, existing.text, existing.acl, op.principals);
    return r;
  }
  Refusal refused = first_refusal(
      op,
      [&] {
        if (Refusal r = refuse_by_type(op, id, &author)) return r;
        return permission(perms.can_create(acls, op.principals, type_, parent_), op);
      },
      parent,
      [&]() -> Refusal {
        if (!id.empty()) return pass();
        return Result::of(errors::invalid("body", std::string("data.id"), "Required"));
      },
      preconditions, [&] { return author_of(op, id, &author); });
  if (refused) return *refused;
  std::string data = op.has_data ? op.data : "{}";
  if (Refusal invalid = prepare(id, data, existing)) return *invalid;
  std::string acl =
      acl_with_author(author, op.has_permissions ? parse_json(op.permissions) : Json::object());
  int64_t ts = stamp(client_timestamp(op, existing));
  store_.put(id, ts, data, acl, existing);
  std::string text = catalog::object_text(id, ts, data);
  announce(op, "create", id, text, acl);
  return object_result(201, op, author, text, ts, acl);
}

Result ListWriter::put(const Op& op) {
  std::string author;
  StoredObject existing = load_object(op.id);
  catalog::StoredAcls acls(store_.reader());
  const Permissions& perms = ctx_.permissions;
  bool replacing = existing.exists && op.if_none_match.kind != Precondition::kAny;
  Refusal refused = first_refusal(
      op,
      [&] {
        if (Refusal r = refuse_by_type(op, op.id, &author)) return r;
        return permission(op.implicit || (replacing ? perms.can_write(acls, op.principals, type_,
                                                                      parent_, op.id)
                                                    : perms.can_create(acls, op.principals, type_,
                                                                       parent_)),
                          op);
      },
      [&] { return missing_parent(); }, pass,
      [&] { return preconditions(op, op.id, existing); },
      [&] { return author_of(op, op.id, &author); });
  if (refused) return *refused;
  std::string data = op.has_data ? op.data : existing.exists ? dump(data_of(existing.text)) : "{}";
  if (Refusal invalid = prepare(op.id, data, existing)) return *invalid;
  Json acl = op.has_permissions ? parse_json(op.permissions)
             : existing.exists  ? parse_json(existing.acl.empty() ? "{}" : existing.acl)
                                : Json::object();
  std::string acl_text = acl_with_author(author, std::move(acl));
  int64_t ts = stamp(client_timestamp(op, existing));
  store_.put(op.id, ts, data, acl_text, existing);
  std::string text = catalog::object_text(op.id, ts, data);
  announce(op, existing.exists ? "update" : "create", op.id, text, acl_text);
  return object_result(existing.exists ? 200 : 201, op, author, text, ts, acl_text);
}

Refusal ListWriter::change_refusal(const Op& op, const StoredObject& existing,
                                   std::string* author) {
  catalog::StoredAcls acls(store_.reader());
  const Permissions& perms = ctx_.permissions;
  return first_refusal(
      op,
      [&] {
        // On a missing object, whoever may read the list learns it is missing (§7.5).
        return permission(existing.exists
                              ? perms.can_write(acls, op.principals, type_, parent_, op.id)
                              : perms.can_read_all(acls, op.principals, type_, parent_),
                          op);
      },
      [&] { return missing_parent(); }, [&] { return missing_object(op, type_, existing.exists); },
      [&] { return preconditions(op, op.id, existing); },
      [&] { return author ? author_of(op, op.id, author) : pass(); });
}

Result ListWriter::patch(const Op& op) {
  StoredObject existing = load_object(op.id);
  std::string author;
  if (Refusal refused = change_refusal(op, existing, &author)) return *refused;

  Json before = parse_json(existing.text);
  Json data = before;
  Json acl = parse_json(existing.acl.empty() ? "{}" : existing.acl);
  if (auto err = apply_patch(op, ctx_.registry.permissions(type_), data, acl)) {
    return Result::of(*err);
  }
  auto lm = data.find("last_modified");
  std::optional<int64_t> client = kept_client_timestamp(
      lm != data.end() && lm->is_number_integer() ? std::optional(lm->get<int64_t>())
                                                  : std::nullopt,
      true, existing.ts);
  std::string data_text = dump(without_meta(std::move(data)));
  if (Refusal invalid = prepare(op.id, data_text, existing)) return *invalid;
  std::string acl_text = acl_with_author(author, std::move(acl));
  int64_t ts = stamp(client);
  store_.put(op.id, ts, data_text, acl_text, existing);
  std::string text = catalog::object_text(op.id, ts, data_text);
  announce(op, "update", op.id, text, acl_text);
  if (op.response_behavior == "light" || op.response_behavior == "diff") {
    Result r = object_result(200, op, author, text, ts, acl_text);
    r.body = "{\"data\":" + dump(changed_fields(op, before, parse_json(text))) + "}";
    return r;
  }
  return object_result(200, op, author, text, ts, acl_text);
}

void ListWriter::committed() {
  if (store_.committed()) ctx_.membership_version++;
}

void ListWriter::abandon() { store_.abandon(); }

}  // namespace ratchet
