#include "plugins/schema/schema_validation.h"

#include <memory>

#include "plugins/schema/schema_cache.h"
#include "ratchet/settings.h"
#include "store/catalog.h"

namespace ratchet {
namespace {

constexpr char kSetting[] = "experimental_collection_schema_validation";

// Validates a collection's or group's data against its bucket's `field`.
WriteValidator by_bucket(std::shared_ptr<SchemaCache> cache, std::string field) {
  return [cache, field](const std::string& id, Json& data,
                        const std::vector<StoredAncestor>& ancestors) -> std::optional<Error> {
    auto schema = cache->get(ancestors.at(0), field, {});
    return schema ? schema->check(id, data) : std::nullopt;
  };
}

// Validates a record against its collection's `schema` (stamping the
// schema's version), then its bucket's `record:schema`.
WriteValidator records(std::shared_ptr<SchemaCache> cache) {
  return [cache](const std::string& id, Json& data,
                 const std::vector<StoredAncestor>& ancestors) -> std::optional<Error> {
    static const std::vector<std::string> kIgnored{"schema"};
    const StoredAncestor& collection = ancestors.at(0);
    if (auto schema = cache->get(collection, "schema", kIgnored)) {
      if (auto refused = schema->check(id, data)) return refused;
      data["schema"] = catalog::object_timestamp(collection.text);
    }
    auto schema = cache->get(ancestors.at(1), "record:schema", kIgnored);
    return schema ? schema->check(id, data) : std::nullopt;
  };
}

}  // namespace

Plugin schema_validation_plugin() {
  Plugin plugin{.name = "schema", .keys = {{.name = kSetting, .check = [](const std::string& v) {
                                             setting_bool(kSetting, v);
                                           }}},
                .enabled_by = kSetting};
  plugin.includeme = [](Registry& registry, const Settings&) {
    auto cache = std::make_shared<SchemaCache>();
    registry.add_validator("record", records(cache));
    registry.add_validator("collection", by_bucket(cache, "collection:schema"));
    registry.add_validator("group", by_bucket(cache, "group:schema"));
    registry.add_capability(
        "schema", {{"description", "Validates collection records with JSON schemas."},
                   {"url", "https://kinto.readthedocs.io/en/latest/api/1.x/collections.html"
                           "#collection-json-schema"}});
  };
  return plugin;
}

}  // namespace ratchet
