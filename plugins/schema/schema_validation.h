// Kinto's JSON-schema validation (experimental_collection_schema_validation,
// PROTOCOL.md §2.3 and §16): a record is validated against its collection's
// `schema`, then its bucket's `record:schema`; a collection against the
// bucket's `collection:schema`, a group against its `group:schema`. A
// record validated by its collection's schema gets `schema`: the
// collection's last_modified. Hello shows the `schema` capability.
// Meta-validation of stored schemas is not here: Kinto's resources always
// do it (core/registry.cpp).
#pragma once

#include "ratchet/registry.h"

namespace ratchet {

Plugin schema_validation_plugin();

}  // namespace ratchet
