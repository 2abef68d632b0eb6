#include "ratchet/registry.h"

#include <algorithm>
#include <stdexcept>

#include "core/acl.h"
#include "core/json_schema.h"
#include "ratchet/settings.h"

namespace ratchet {

const char* verb_name(Verb verb) {
  switch (verb) {
    case kGet: return "GET";
    case kHead: return "HEAD";
    case kPost: return "POST";
    case kPut: return "PUT";
    case kPatch: return "PATCH";
    case kDelete: return "DELETE";
  }
  return "";
}

const ResourceType& Registry::add(ResourceType type) {
  if (find(type.name)) throw std::invalid_argument("resource declared twice: " + type.name);
  if (!type.parent.empty() && !find(type.parent)) {
    throw std::invalid_argument("unknown parent resource: " + type.parent);
  }
  if (type.per_user && !type.parent.empty()) {
    throw std::invalid_argument("a per-user resource must be top-level: " + type.name);
  }
  if (!type.parent.empty() && find(type.parent)->per_user) {
    throw std::invalid_argument("a per-user resource cannot have children: " + type.parent);
  }
  types_.push_back(std::move(type));
  return types_.back();
}

const ResourceType* Registry::find(std::string_view name) const {
  for (const auto& t : types_) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

const ResourceType* Registry::parent_of(const ResourceType& type) const {
  return type.parent.empty() ? nullptr : find(type.parent);
}

const ResourceType* Registry::child(const ResourceType* parent, std::string_view plural) const {
  for (const auto& t : types_) {
    if (t.plural == plural && (parent ? t.parent == parent->name : t.parent.empty())) return &t;
  }
  return nullptr;
}

std::vector<const ResourceType*> Registry::children(const ResourceType& type) const {
  std::vector<const ResourceType*> out;
  for (const auto& t : types_) {
    if (t.parent == type.name) out.push_back(&t);
  }
  return out;
}

void Registry::include_plugins(const Settings& settings) {
  for (const Plugin& plugin : plugins_) {
    bool enabled = !plugin.enabled_by.empty() &&
                   setting_bool(plugin.enabled_by, settings.extra_or(plugin.enabled_by, "false"));
    if (enabled || settings.included(plugin.name)) plugin.includeme(*this, settings);
  }
}

void Registry::add_auth_policy(std::string name, AuthPolicy policy) {
  policies_.emplace_back(std::move(name), std::move(policy));
}

const AuthPolicy* Registry::auth_policy(std::string_view name) const {
  for (const auto& [n, policy] : policies_) {
    if (n == name) return &policy;
  }
  return nullptr;
}

void Registry::add_validator(const std::string& type, WriteValidator validator) {
  if (!find(type)) throw std::invalid_argument("validator for an unknown resource: " + type);
  validators_[type].push_back(std::move(validator));
}

const std::vector<WriteValidator>& Registry::validators(const std::string& type) const {
  static const std::vector<WriteValidator> kNone;
  auto it = validators_.find(type);
  return it == validators_.end() ? kNone : it->second;
}

void Registry::add_pages(std::string prefix, PageSource source) {
  pages_.emplace_back(std::move(prefix), std::move(source));
}

std::optional<std::pair<const PageSource*, size_t>> Registry::pages_for(std::string_view path) const {
  for (const auto& [prefix, source] : pages_) {
    // Segment by segment: "/buckets/*/snapshot" matches "/buckets/b/snapshot/...".
    size_t p = 0, q = 0;
    bool match = true;
    while (match && p < prefix.size()) {
      size_t p_end = std::min(prefix.find('/', p + 1), prefix.size());
      size_t q_end = std::min(path.find('/', q + 1), path.size());
      std::string_view want = std::string_view(prefix).substr(p, p_end - p);
      std::string_view got = path.substr(q, q_end - q);
      match = q < path.size() && (want == got || (want == "/*" && got.size() > 1));
      p = p_end;
      q = q_end;
    }
    if (match) return std::make_pair(&source, q);
  }
  return std::nullopt;
}

void Registry::add_capability(std::string name, Json capability) {
  capabilities_[std::move(name)] = std::move(capability);
}

void Registry::add_user_field(std::string name,
                              std::function<Json(const std::string& user_id)> field) {
  user_fields_.emplace_back(std::move(name), std::move(field));
}

Json Registry::user_fields(const std::string& user_id) const {
  Json out = Json::object();
  for (const auto& [name, field] : user_fields_) out[name] = field(user_id);
  return out;
}

std::vector<std::string> Registry::permissions(const ResourceType& type) const {
  std::vector<std::string> out{"read", "write"};
  for (const ResourceType* c : children(type)) {
    if (!c->fed_by_outbox) out.push_back(c->name + ":create");
  }
  return out;
}

std::string object_uri(const ResourceType& type, std::string_view parent, std::string_view id) {
  std::string uri;
  if (!type.per_user) uri = parent;
  uri += '/';
  uri += type.plural;
  uri += '/';
  uri += id;
  return uri;
}

std::pair<std::string_view, std::string_view> split_uri(std::string_view uri) {
  size_t slash = uri.rfind('/');
  std::string_view id = uri.substr(slash + 1);
  size_t plural = uri.rfind('/', slash - 1);
  return {uri.substr(0, plural), id};
}

namespace {

void check_group(const Json& data, std::vector<ErrorDetail>& problems) {
  auto it = data.find("members");
  if (it == data.end()) return;
  if (!it->is_array()) {
    problems.push_back({"body", std::string("data.members"), "members should be an array"});
    return;
  }
  for (const Json& m : *it) {
    if (!m.is_string()) {
      problems.push_back({"body", std::string("data.members"), dump(m) + " is not a string"});
      continue;
    }
    const std::string& s = m.get_ref<const std::string&>();
    if (!valid_principal(s) || s.rfind("/buckets/", 0) == 0 || s == "system.Everyone") {
      problems.push_back({"body", std::string("data.members"), "'" + s + "' is not a valid user ID."});
    }
  }
}

// A stored JSON schema (bucket's `<type>:schema`, collection's `schema`) is
// meta-validated whether or not validation is on, as in Kinto.
void check_schema_field(const Json& data, const std::string& field,
                        std::vector<ErrorDetail>& problems) {
  auto it = data.find(field);
  if (it == data.end()) return;
  if (!it->is_object()) {
    problems.push_back(errors::not_a_mapping("body", "data." + field, *it));
  } else if (auto problem = json_schema_problem(*it)) {
    problems.push_back({"body", "data." + field, *problem});
  }
}

void check_bucket(const Json& data, std::vector<ErrorDetail>& problems) {
  for (const char* field : {"collection:schema", "group:schema", "record:schema"}) {
    check_schema_field(data, field, problems);
  }
}

void check_collection(const Json& data, std::vector<ErrorDetail>& problems) {
  check_schema_field(data, "schema", problems);
  auto it = data.find("cache_expires");
  constexpr int64_t kMax = INT64_C(1) << 31;
  if (it != data.end() &&
      (!it->is_number_integer() || it->get<int64_t>() < 0 || it->get<int64_t>() > kMax)) {
    problems.push_back({"body", std::string("data.cache_expires"),
                        dump(*it) + " is not an integer from 0 to " + std::to_string(kMax)});
  }
}

}  // namespace

void add_kinto_resources(Registry& registry) {
  registry.add({.name = "bucket", .plural = "buckets", .check = check_bucket});
  registry.add({.name = "group", .plural = "groups", .parent = "bucket",
                .check = check_group, .members_field = "members"});
  registry.add({.name = "collection", .plural = "collections", .parent = "bucket",
                .check = check_collection, .children_cache_field = "cache_expires"});
  registry.add({.name = "record", .plural = "records", .parent = "collection",
                .ids = uuid_ids()});
}

}  // namespace ratchet
