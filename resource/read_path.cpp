#include "resource/read_path.h"

#include <algorithm>

#include "resource/list_query.h"
#include "resource/render.h"
#include "resource/request_policy.h"
#include "core/query.h"
#include "core/timestamp.h"
#include "core/acl.h"
#include "store/catalog.h"
#include "store/list_reader.h"

namespace ratchet {
namespace {

// The parent step of the request policy; sets the cache duration the parent
// gives its children, if it declares one.
Refusal missing_parent(Context& ctx, const Snapshot& snapshot, const ResourceType& type,
                       const std::string& parent, Result& result) {
  std::string text;
  if (!catalog::parent_exists(snapshot, ctx.registry, type, parent, &text)) {
    return parent_missing(type, parent);
  }
  const ResourceType* parent_type = ctx.registry.parent_of(type);
  const std::string& field = parent_type ? parent_type->children_cache_field : "";
  // Parse the parent only when it may hold the field.
  if (!field.empty() && text.find("\"" + field + "\"") != std::string::npos) {
    Json parent_object = parse_json(text);
    const Json* value = find_field(parent_object, field);
    if (value && value->is_number_integer()) result.cache_expires = value->get<int64_t>();
  }
  return pass();
}

Result read_object(Context& ctx, const Snapshot& snapshot, const Op& op,
                   const ResourceType& type) {
  catalog::StoredAcls acls(snapshot);
  Result r;
  StoredObject object = ListView(snapshot, ListId{op.parent, type.name}).get(op.id);
  std::string& text = object.text;
  Refusal refused = first_refusal(
      op,
      [&] {
        return permission(ctx.permissions.can_read(acls, op.principals, type, op.parent, op.id),
                          op);
      },
      [&] { return missing_parent(ctx, snapshot, type, op.parent, r); },
      [&] { return missing_object(op, type, object.exists); },
      [&] { return check_preconditions(op, /*read=*/true, {true, object.ts, text}); }, pass);
  if (refused) return *refused;
  r.timestamp = object.ts;
  if (op.verb == kHead) return r;
  if (!op.params.empty()) {
    std::vector<ErrorDetail> ignored;  // only _fields applies to an object (§3.5)
    Query query = parse_query(op.params, now_ms(), ignored);
    if (!query.fields.empty()) {  // as Kinto: the part asked for, without permissions
      r.body = "{\"data\":" + dump(project(query, parse_json(text))) + "}";
      return r;
    }
  }
  r.body = object_body(type, text, object.acl, op.principals);
  return r;
}

std::optional<Result> read_list(Context& ctx, const Snapshot& snapshot, const Op& op,
                                const ResourceType& type) {
  catalog::StoredAcls acls(snapshot);
  const Permissions& perms = ctx.permissions;
  bool all = perms.can_read_all(acls, op.principals, type, op.parent);
  for (const std::string& perm : type.list_all_grants) {
    all = all && granted_by_setting(ctx.settings, op.principals, type.name, perm);
  }
  ListReader reader(snapshot, ListId{op.parent, type.name});
  // Without read on the whole list, a caller sees the objects it holds a
  // permission on (found through the permission index); with none of those,
  // only a creator may list (§7.5).
  std::vector<std::string> shared;
  if (!all) shared = reader.granted_ids(object_uri(type, op.parent, ""), op.principals, {});
  Result r;
  int64_t ts = reader.timestamp();  // 0: the list's writer must assign one first
  Refusal refused = first_refusal(
      op,
      [&]() -> Refusal {
        if (all || !shared.empty()) return pass();
        if (!perms.can_create(acls, op.principals, type, op.parent)) return denied(op);
        if (type.anonymous_list_refusal && op.user_id.empty()) {
          return Result::of(*type.anonymous_list_refusal);
        }
        return pass();
      },
      [&] { return missing_parent(ctx, snapshot, type, op.parent, r); }, pass,
      [&] { return ts == 0 ? pass() : check_preconditions(op, /*read=*/true, {true, ts, ""}); },
      pass);
  if (refused) return *refused;
  if (ts == 0) return std::nullopt;

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
  DataArray body;
  for (const ListEntry& e : page.entries) body.add(e.text);
  r.body = std::move(body).finish();
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
