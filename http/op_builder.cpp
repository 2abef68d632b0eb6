#include "http/op_builder.h"

#include <algorithm>
#include <charconv>

#include "core/acl.h"
#include "ratchet/json.h"
#include "core/query.h"
#include "core/timestamp.h"
#include "core/patch.h"

namespace ratchet {
namespace {

// The first problems found are reported (several when one step finds several).
void add(Op& op, std::vector<ErrorDetail> details) {
  if (op.has_error) return;
  op.has_error = true;
  op.error = errors::invalid(std::move(details));
}

void add(Op& op, ErrorDetail detail) { add(op, std::vector<ErrorDetail>{std::move(detail)}); }

Precondition parse_precondition(Op& op, const HttpRequest& request, const std::string& name) {
  Precondition p;
  if (!request.has_header(name)) return p;
  std::string v = request.header(name);
  if (v == "*") {
    p.kind = Precondition::kAny;
    return p;
  }
  int64_t n = -1;
  if (v.size() > 2 && v.front() == '"' && v.back() == '"') n = parse_count(v);
  if (n < 0) {
    add(op, {"header", name, "The value should be integer between double quotes."});
    return p;
  }
  p.kind = Precondition::kValue;
  p.value = n;
  return p;
}

void parse_query_params(Op& op, const HttpRequest& request) {
  op.params = request.params;
  if (op.plural) {
    std::vector<ErrorDetail> problems;
    parse_query(op.params, now_ms(), problems);
    if (!problems.empty()) add(op, std::move(problems));
    return;
  }
  for (const auto& [name, value] : request.params) {
    if (op.verb == kDelete && name == "last_modified") {
      int64_t ts = parse_count(value);
      if (ts < 0) {
        add(op, {"querystring", name, "Invalid value for last_modified"});
      } else {
        op.has_client_ts = true;
        op.client_ts = ts;
      }
    }
  }
}

// Checks a "permissions" object: known names, lists of strings (null allowed
// in PATCH bodies).
void check_permissions(Op& op, const Registry& registry, const ResourceType& type,
                       const Json& perms) {
  if (type.per_user) {
    add(op, {"body", std::string("permissions"), "This resource has no permissions"});
    return;
  }
  if (!perms.is_object()) return add(op, errors::not_a_mapping("body", "permissions", perms));
  // As Kinto: an unknown name is the one problem reported; otherwise each
  // bad value is.
  auto valid = registry.permissions(type);
  for (const auto& [name, members] : perms.items()) {
    if (std::find(valid.begin(), valid.end(), name) == valid.end()) {
      std::sort(valid.begin() + 2, valid.end());  // read, write, then "<child>:create"s
      std::string choices;
      for (const auto& v : valid) choices += (choices.empty() ? "" : ", ") + v;
      return add(op, {"body", std::string("permissions"),
                      quote(name) + " is not one of " + choices});
    }
  }
  std::vector<ErrorDetail> problems;
  for (const auto& [name, members] : perms.items()) {
    std::string field = "permissions." + name;
    if (members.is_null() && op.verb == kPatch) continue;
    if (!members.is_array()) {
      problems.push_back({"body", field, dump(members) + " is not iterable"});
      continue;
    }
    for (size_t i = 0; i < members.size(); ++i) {
      const Json& m = members[i];
      std::string at = field + "." + std::to_string(i);
      if (!m.is_string()) {
        problems.push_back({"body", at, dump(m) + " is not a string: {'': ''}"});
      } else if (!valid_principal(m.get_ref<const std::string&>())) {
        problems.push_back({"body", at, dump(m) + " is not a valid principal"});
      }
    }
  }
  if (!problems.empty()) add(op, std::move(problems));
}

// {"data": {...}, "permissions": {...}} of POST, PUT and JSON PATCH.
void parse_envelope(Op& op, const Registry& registry, const ResourceType& type, const Json& body) {
  if (!body.is_object()) return add(op, errors::body_not_an_object(body));
  Json unknown = Json::object();
  for (const auto& [key, value] : body.items()) {
    if (key != "data" && key != "permissions") unknown[key] = value;
  }
  if (!unknown.empty()) return add(op, errors::unrecognized_keys("body", "", unknown));
  auto data = body.find("data");
  auto perms = body.find("permissions");
  if (op.verb == kPatch && data == body.end() && perms == body.end()) {
    add(op, {"body", std::string("data"), "Provide at least one of data or permissions"});
    return;
  }
  if (perms != body.end()) {
    check_permissions(op, registry, type, *perms);
    op.has_permissions = true;
    op.permissions = dump(*perms);
  }
  if (data == body.end()) return;
  if (!data->is_object()) return add(op, errors::not_a_mapping("body", "data", *data));
  Json fields = *data;
  op.has_data = true;
  if (op.verb == kPatch) {  // id and last_modified are handled by the patch itself
    op.data = dump(fields);
    return;
  }
  auto id = fields.find("id");
  if (id != fields.end()) {
    if (op.plural) {
      if (!id->is_string() || !type.ids.valid(id->get_ref<const std::string&>())) {
        add(op, {"path", std::nullopt, "Invalid object id"});
      } else {
        op.id = id->get<std::string>();
      }
    } else if (!id->is_string() || id->get_ref<const std::string&>() != op.id) {
      add(op, {"body", std::string("id"), "Object id does not match existing object"});
    }
    fields.erase(id);
  }
  auto lm = fields.find("last_modified");
  if (lm != fields.end()) {
    if (lm->is_number_integer()) {
      op.has_client_ts = true;
      op.client_ts = lm->get<int64_t>();
    }
    fields.erase(lm);
  }
  op.data = dump(fields);  // the type's check runs in the writer, on what is stored
}

void parse_body(Op& op, const Registry& registry, const ResourceType& type,
                const HttpRequest& request) {
  std::string content_type = media_type(request.header("Content-Type"));
  if (op.verb == kPatch) {
    if (content_type == "application/merge-patch+json") {
      op.patch_format = PatchFormat::kMergePatch;
    } else if (content_type == "application/json-patch+json") {
      op.patch_format = PatchFormat::kJsonPatch;
    }
  }
  Json body = Json::object();
  if (request.body.find_first_not_of(" \t\r\n") != std::string::npos) {
    try {
      body = parse_json(request.body);
    } catch (const Json::exception& e) {
      if (!op.has_error) {
        op.has_error = true;
        op.error = errors::invalid_json(json_error_message(e));
      }
      return;
    }
  }
  if (op.patch_format == PatchFormat::kJsonPatch) {
    std::vector<ErrorDetail> problems;
    check_json_patch(body, problems);
    if (!problems.empty()) add(op, problems.front());
    op.has_data = true;
    op.data = dump(body);
    return;
  }
  parse_envelope(op, registry, type, body);
}

}  // namespace

int64_t parse_count(const std::string& value) {
  std::string_view v = value;
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  int64_t n = -1;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size() || n < 0) return -1;
  return n;
}

Op build_op(const Registry& registry, const Route& route, Verb verb, const HttpRequest& request,
            std::string user_id, std::vector<std::string> principals) {
  const ResourceType& type = *route.type;
  Op op;
  op.verb = verb;
  op.resource = type.name;
  op.parent = type.per_user ? user_id : route.parent;
  op.id = route.id;
  op.plural = route.plural;
  op.user_id = std::move(user_id);
  op.principals = std::move(principals);
  if (!op.plural && !type.ids.valid(op.id)) add(op, {"path", std::nullopt, "Invalid object id"});
  op.if_match = parse_precondition(op, request, "If-Match");
  op.if_none_match = parse_precondition(op, request, "If-None-Match");
  parse_query_params(op, request);
  if (verb == kPost || verb == kPut || verb == kPatch) parse_body(op, registry, type, request);
  if (verb == kPatch) {
    op.response_behavior = request.has_header("Response-Behavior")
                               ? request.header("Response-Behavior") : "full";
    const std::string& rb = op.response_behavior;
    if (rb != "full" && rb != "light" && rb != "diff") {
      add(op, {"header", std::string("Response-Behavior"), "should be one of full, light, diff"});
    }
  }
  return op;
}

}  // namespace ratchet
