#include "actors/read_path.h"

#include <algorithm>

#include "actors/list_query.h"
#include "actors/render.h"
#include "core/query.h"
#include "core/timestamp.h"
#include "core/acl.h"
#include "store/catalog.h"
#include "store/list_reader.h"

namespace ratchet {
namespace {

Result deny(const Op& op) { return Result::of(errors::not_allowed(op.user_id)); }

// Whether the parent object exists; sets the cache duration it gives its
// children, if it declares one.
bool parent_exists(Context& ctx, const Snapshot& snapshot, const ResourceType& type,
                   const std::string& parent, Result& result) {
  std::string text;
  if (!catalog::parent_exists(snapshot, ctx.registry, type, parent, &text)) return false;
  const ResourceType* parent_type = ctx.registry.parent_of(type);
  const std::string& field = parent_type ? parent_type->children_cache_field : "";
  // Parse the parent only when it may hold the field.
  if (!field.empty() && text.find("\"" + field + "\"") != std::string::npos) {
    Json parent_object = parse_json(text);
    const Json* value = find_field(parent_object, field);
    if (value && value->is_number_integer()) result.cache_expires = value->get<int64_t>();
  }
  return true;
}

Result parent_missing(const ResourceType& type, const std::string& parent) {
  return Result::of(errors::parent_missing(std::string(split_uri(parent).second), type.parent));
}

// §5.2 for reads: 304 first, then the 412 cases. `existing` is the object
// text shown in a 412 ("" on plural endpoints).
std::optional<Result> read_preconditions(const Op& op, int64_t current,
                                         const std::string& existing) {
  if (op.if_none_match.kind == Precondition::kValue && op.if_none_match.value == current) {
    Result r;
    r.status = 304;
    r.timestamp = current;
    return r;
  }
  bool failed = op.if_none_match.kind == Precondition::kAny ||
                (op.if_match.kind == Precondition::kValue && op.if_match.value != current);
  if (!failed) return std::nullopt;
  Result r = Result::of(errors::precondition_failed(existing));
  r.timestamp = current;
  return r;
}

Result read_object(Context& ctx, const Snapshot& snapshot, const Op& op,
                   const ResourceType& type) {
  catalog::StoredAcls acls(snapshot);
  if (!ctx.permissions.can_read(acls, op.principals, type, op.parent, op.id)) return deny(op);
  if (op.has_error) return Result::of(op.error);
  Result r;
  if (!parent_exists(ctx, snapshot, type, op.parent, r)) return parent_missing(type, op.parent);
  StoredObject object = ListView(snapshot, ListId{op.parent, type.name}).get(op.id);
  if (!object.exists) return Result::of(errors::object_missing(op.id, type.name));
  std::string& text = object.text;
  if (auto r = read_preconditions(op, object.ts, text)) return *r;
  r.timestamp = object.ts;
  if (op.verb == kHead) return r;
  if (!op.params.empty()) {
    std::vector<ErrorDetail> ignored;  // only _fields applies to an object (§3.5)
    Query query = parse_query(op.params, now_ms(), ignored);
    if (!query.fields.empty()) text = dump(project(query, parse_json(text)));
  }
  r.body = object_body(type, text, object.acl, op.principals);
  return r;
}

std::optional<Result> read_list(Context& ctx, const Snapshot& snapshot, const Op& op,
                                const ResourceType& type) {
  catalog::StoredAcls acls(snapshot);
  const Permissions& perms = ctx.permissions;
  bool all = perms.can_read_all(acls, op.principals, type, op.parent);
  ListReader reader(snapshot, ListId{op.parent, type.name});
  // Without read on the whole list, a caller sees the objects it holds a
  // permission on (found through the permission index); with none of those,
  // only a creator may list (§7.5).
  std::vector<std::string> shared;
  if (!all) {
    shared = reader.granted_ids(object_uri(type, op.parent, ""), op.principals, {});
    if (shared.empty()) {
      if (!perms.can_create(acls, op.principals, type, op.parent)) return deny(op);
      if (type.anonymous_list_refusal && op.user_id.empty()) {
        return Result::of(*type.anonymous_list_refusal);
      }
    }
  }
  if (op.has_error) return Result::of(op.error);
  Result r;
  if (!parent_exists(ctx, snapshot, type, op.parent, r)) return parent_missing(type, op.parent);
  int64_t ts = reader.timestamp();
  if (ts == 0) return std::nullopt;
  if (auto failed = read_preconditions(op, ts, "")) return *failed;

  std::vector<ErrorDetail> ignored;  // the frontend reported them
  Query query = parse_query(op.params, now_ms(), ignored);
  ListQuery list =
      all ? ListQuery(reader, query, [](std::string_view) { return true; }, ctx.stopping)
          : ListQuery(reader, query, std::move(shared), ctx.stopping);
  r.timestamp = ts;
  if (query.deprecated_to) {
    r.alert = R"({"code":"soft-eol","message":"_to is now deprecated, you should use _before instead","url":"https://kinto.readthedocs.io/en/2.4.0/api/resource.html#list-of-available-url-parameters"})";
  }
  if (op.verb == kHead) {
    bool whole_list = all && query.filters.empty() && query.min_ts == INT64_MIN &&
                      query.max_ts == INT64_MAX;
    r.total = whole_list ? reader.count() : list.count();
    return r;
  }
  // Tombstones carry no ACL: only those who read the whole list see them (§4.3).
  r.page_size = ctx.settings.page_size(query.limit);
  ListPage page = list.page(r.page_size, all);
  std::string body = "{\"data\":[";
  for (size_t i = 0; i < page.entries.size(); ++i) {
    if (i) body += ',';
    body += page.entries[i].text;
  }
  body += "]}";
  r.body = std::move(body);
  r.next_token = std::move(page.next_token);
  return r;
}

}  // namespace

std::optional<Result> read(Context& ctx, const Snapshot& snapshot, const Op& op) {
  const ResourceType* type = ctx.registry.find(op.resource);
  if (!type) return Result::of(errors::unknown_url());
  if (op.plural) return read_list(ctx, snapshot, op, *type);
  return read_object(ctx, snapshot, op, *type);
}

std::vector<std::string> principals_of(const Snapshot& snapshot, const std::string& user_id) {
  std::vector<std::string> out{std::string(kEveryone)};
  if (user_id.empty()) return out;
  out.push_back(std::string(kAuthenticated));
  out.push_back(user_id);
  for (std::string_view member : {std::string_view(user_id), kAuthenticated}) {
    for (std::string& group : groups_of(snapshot, member)) {
      if (std::find(out.begin(), out.end(), group) == out.end()) out.push_back(std::move(group));
    }
  }
  return out;
}

}  // namespace ratchet
