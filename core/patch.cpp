#include "core/patch.h"

#include <algorithm>
#include <set>

#include "core/acl.h"

namespace ratchet {
namespace {

bool valid_name(const std::vector<std::string>& valid, const std::string& name) {
  return std::find(valid.begin(), valid.end(), name) != valid.end();
}

Error failed(const std::string& what) {
  return errors::invalid("body", std::nullopt, "JSON Patch operation failed: " + what);
}

// application/json: top-level fields replace; a permission list replaces.
void merge(const Json& data_patch, const Json* acl_patch, Json& data, Json& acl) {
  for (const auto& [k, v] : data_patch.items()) data[k] = v;
  if (!acl_patch) return;
  for (const auto& [perm, members] : acl_patch->items()) {
    if (!members.is_null()) acl[perm] = members;
  }
}

// application/merge-patch+json (RFC 7396); null removes.
void merge_patch(const Json& data_patch, const Json* acl_patch, Json& data, Json& acl) {
  data.merge_patch(data_patch);
  if (acl_patch) acl.merge_patch(*acl_patch);
}

// Whether `op` (a checked operation) would put a value deeper than
// kMaxJsonDepth in `doc`: the value lands as deep as its path has segments.
// Copies and moves can double a depth. Throws Json::exception when `from`
// is not in `doc`.
bool nests_too_deep(const Json& doc, const Json& op) {
  const std::string& name = op["op"].get_ref<const std::string&>();
  const Json* value = nullptr;
  if (name == "copy" || name == "move") {
    value = &doc.at(Json::json_pointer(op["from"].get<std::string>()));
  } else if ((name == "add" || name == "replace") && op.contains("value")) {
    value = &op["value"];
  }
  if (!value) return false;
  const std::string& path = op["path"].get_ref<const std::string&>();
  return std::count(path.begin(), path.end(), '/') + json_depth(*value) > kMaxJsonDepth;
}

// Copies and moves duplicate a value of `doc` (nlohmann moves by copying):
// together they may duplicate at most kMaxPatchCopyBytes, so that a patch
// cannot double the object at every operation. Takes the size of the value
// `op` duplicates from `budget`; false when it is over. Throws
// Json::exception when `from` is not in `doc`.
bool charge_copy(const Json& doc, const Json& op, size_t& budget) {
  const std::string& name = op["op"].get_ref<const std::string&>();
  if (name != "copy" && name != "move") return true;
  size_t size = json_size(doc.at(Json::json_pointer(op["from"].get<std::string>())), budget);
  if (size > budget) return false;
  budget -= size;
  return true;
}

// application/json-patch+json (RFC 6902) on {"data": .., "permissions": {perm: {p: p}}}.
std::optional<Error> json_patch(Json ops, const std::vector<std::string>& valid, Json& data,
                                Json& acl) {
  Json doc = {{"data", data}, {"permissions", Json::object()}};
  Json& perms = doc["permissions"];
  perms["read"] = Json::object();
  perms["write"] = Json::object();
  for (const auto& [perm, members] : acl.items()) {
    for (const Json& m : members) perms[perm][m.get<std::string>()] = m;
  }
  const std::string prefix = "/permissions/";
  for (Json& op : ops) {
    const std::string& path = op["path"].get_ref<const std::string&>();
    if (path.rfind(prefix, 0) != 0) continue;
    std::string rest = path.substr(prefix.size());
    size_t slash = rest.find('/');
    std::string perm = rest.substr(0, slash);
    if (!valid_name(valid, perm)) return failed("unknown permission '" + perm + "'");
    if (slash == std::string::npos) continue;
    if (!perms.contains(perm)) perms[perm] = Json::object();
    std::string principal = rest.substr(slash + 1);
    if (!op.contains("value") && op["op"] != "remove" && op["op"] != "move") {
      op["value"] = principal;
    }
  }
  // One operation at a time (`doc` is a copy: a failure leaves nothing
  // changed), none nesting `doc` deeper than kMaxJsonDepth: so the data stays
  // within a request body's depth, and copying a value never recurses deeper.
  size_t copy_budget = kMaxPatchCopyBytes;
  try {
    for (const Json& op : ops) {
      if (!charge_copy(doc, op, copy_budget)) {
        return failed("copies and moves would duplicate more than " +
                      std::to_string(kMaxPatchCopyBytes) + " bytes");
      }
      if (nests_too_deep(doc, op)) {
        return failed("arrays and objects would nest deeper than " +
                      std::to_string(kMaxJsonDepth) + " levels");
      }
      doc.patch_inplace(Json::array({op}));
    }
  } catch (const Json::exception& e) {
    return failed(json_error_message(e));
  }
  if (!doc.contains("data") || !doc["data"].is_object()) return failed("data must stay an object");
  data = doc["data"];
  acl = Json::object();
  if (!doc.contains("permissions") || !doc["permissions"].is_object()) {
    return failed("permissions must stay an object");
  }
  for (const auto& [perm, members] : doc["permissions"].items()) {
    if (!valid_name(valid, perm)) return failed("unknown permission '" + perm + "'");
    Json list = Json::array();
    if (members.is_object()) {
      for (const auto& [principal, _] : members.items()) list.push_back(principal);
    } else if (members.is_array()) {
      list = members;
    } else {
      return failed("permission '" + perm + "' must hold principals");
    }
    for (const Json& m : list) {
      if (!m.is_string() || !valid_principal(m.get_ref<const std::string&>())) {
        return failed(dump(m) + " is not a valid principal");
      }
    }
    acl[perm] = list;
  }
  return std::nullopt;
}

}  // namespace

void check_json_patch(const Json& ops, std::vector<ErrorDetail>& problems) {
  static const std::set<std::string> kOps{"add", "remove", "replace", "move", "copy", "test"};
  static const std::set<std::string> kKeys{"op", "path", "from", "value"};
  if (!ops.is_array()) {
    problems.push_back({"body", std::nullopt, "A JSON Patch must be an array of operations"});
    return;
  }
  for (size_t i = 0; i < ops.size(); ++i) {
    const Json& op = ops[i];
    std::string name = "body." + std::to_string(i);
    if (!op.is_object()) {
      problems.push_back({"body", name, "operation should be an object"});
      continue;
    }
    for (const auto& [k, _] : op.items()) {
      if (!kKeys.count(k)) problems.push_back({"body", name, "Unrecognized keys in mapping: " + k});
    }
    auto o = op.find("op");
    if (o == op.end() || !o->is_string() || !kOps.count(o->get<std::string>())) {
      problems.push_back({"body", name + ".op", "op should be one of add, remove, replace, move, copy, test"});
    }
    for (const char* key : {"path", "from"}) {
      auto p = op.find(key);
      bool required = std::string(key) == "path" ||
                      (o != op.end() && (*o == "move" || *o == "copy"));
      if (p == op.end()) {
        if (required) problems.push_back({"body", name + "." + key, "Required"});
      } else if (!p->is_string() || p->get_ref<const std::string&>().rfind("/", 0) != 0) {
        problems.push_back({"body", name + "." + key, std::string(key) + " should start with /"});
      }
    }
  }
}

std::optional<Error> apply_patch(const Op& op, const std::vector<std::string>& valid, Json& data,
                                 Json& acl) {
  Json body = op.has_data ? parse_json(op.data) : Json::object();
  Json perms = op.has_permissions ? parse_json(op.permissions) : Json();
  const Json* acl_patch = op.has_permissions ? &perms : nullptr;
  Json before_id = data.value("id", Json());
  std::optional<Error> err;
  switch (op.patch_format) {
    case PatchFormat::kMerge: merge(body, acl_patch, data, acl); break;
    case PatchFormat::kMergePatch: merge_patch(body, acl_patch, data, acl); break;
    case PatchFormat::kJsonPatch: err = json_patch(body, valid, data, acl); break;
  }
  if (err) return err;
  if (data.value("id", Json()) != before_id) {
    return errors::invalid("body", std::string("id"), "Object id does not match existing object");
  }
  return std::nullopt;
}

}  // namespace ratchet
