// Compiled schemas, by the URI of the object that stores them and the
// field: an entry holds for one last_modified of that object, so a write
// costs a lookup, not a parse, until the schema changes.
//
// Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/json_schema.h"
#include "ratchet/error.h"
#include "ratchet/registry.h"

namespace ratchet {

// A schema as Kinto applies it to one type's objects: `required` without
// the fields validation ignores, `id` checked only when the schema's
// properties name it.
class ObjectSchema {
 public:
  // `ignored`: data fields never validated ("schema" of records).
  ObjectSchema(const Json& schema, std::vector<std::string> ignored);
  // The 400 Kinto answers when `data` (of object `id`) does not validate.
  std::optional<Error> check(const std::string& id, const Json& data) const;

 private:
  std::vector<std::string> ignored_;
  bool checks_id_;
  std::optional<JsonSchema> schema_;  // nullopt: the stored schema is unusable
  std::string problem_;
};

class SchemaCache {
 public:
  // The schema `object` stores in `field`, null when it has none.
  std::shared_ptr<const ObjectSchema> get(const StoredAncestor& object, const std::string& field,
                                          const std::vector<std::string>& ignored);

 private:
  static constexpr size_t kMaxEntries = 4096;  // beyond it the cache starts afresh
  struct Entry {
    int64_t timestamp;
    std::shared_ptr<const ObjectSchema> schema;
  };
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // key: uri '\n' field
};

}  // namespace ratchet
