#include "plugins/schema/schema_cache.h"

#include <algorithm>

#include "store/catalog.h"

namespace ratchet {
namespace {

bool mentions_id(const Json& schema) {
  auto properties = schema.find("properties");
  return properties != schema.end() && properties->is_object() && properties->contains("id");
}

// `schema` with `required` naming none of the fields validation leaves out
// (jsonschema wants no empty `required`: Kinto then drops the keyword).
Json without_ignored_required(Json schema, const std::vector<std::string>& left_out) {
  auto required = schema.find("required");
  if (required == schema.end() || !required->is_array()) return schema;
  Json kept = Json::array();
  for (const Json& name : *required) {
    if (!name.is_string() ||
        std::find(left_out.begin(), left_out.end(), name.get<std::string>()) == left_out.end()) {
      kept.push_back(name);
    }
  }
  if (kept.empty()) {
    schema.erase("required");
  } else {
    *required = std::move(kept);
  }
  return schema;
}

}  // namespace

ObjectSchema::ObjectSchema(const Json& schema, std::vector<std::string> ignored)
    : ignored_(std::move(ignored)), checks_id_(schema.is_object() && mentions_id(schema)) {
  std::vector<std::string> left_out = ignored_;
  left_out.push_back("last_modified");
  if (!checks_id_) left_out.push_back("id");
  try {
    if (!schema.is_object()) throw SchemaError("the schema is not an object");
    schema_.emplace(without_ignored_required(schema, left_out));
  } catch (const SchemaError& e) {
    problem_ = e.what();
  }
}

std::optional<Error> ObjectSchema::check(const std::string& id, const Json& data) const {
  if (!schema_) return errors::invalid("body", std::string("schema"), problem_);
  Json document = data;
  for (const std::string& field : ignored_) document.erase(field);
  if (checks_id_) document["id"] = id;
  auto violation = schema_->validate(document);
  if (!violation) return std::nullopt;
  return errors::invalid("body", violation->name, violation->message);
}

std::shared_ptr<const ObjectSchema> SchemaCache::get(const StoredAncestor& object,
                                                     const std::string& field,
                                                     const std::vector<std::string>& ignored) {
  std::string key = object.uri + '\n' + field;
  int64_t ts = catalog::object_timestamp(object.text);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(key);
    if (it != entries_.end() && it->second.timestamp == ts) return it->second.schema;
  }
  // Compiled outside the lock: two writers may both compile a new schema once.
  Json stored = parse_json(object.text);
  auto schema_field = stored.find(field);
  std::shared_ptr<const ObjectSchema> schema;
  if (schema_field != stored.end()) schema = std::make_shared<ObjectSchema>(*schema_field, ignored);
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.size() >= kMaxEntries) entries_.clear();
  entries_[key] = Entry{ts, schema};
  return schema;
}

}  // namespace ratchet
