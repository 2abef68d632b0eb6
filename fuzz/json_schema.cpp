// Fuzzes JSON Schemas (core/json_schema.h): a collection's schema as a
// client stores it -- checked against the Draft 7 metaschema, its
// references and patterns bounded, then compiled -- and a record validated
// against it. A schema is either refused with a SchemaError or compiled; a
// compiled schema validates any document without crashing, recursing
// without bound or backtracking, and gives the same answer twice.
//
// Input: the schema on the first line, then the document.
#include <string>

#include "core/json_schema.h"
#include "fuzz/fuzz_input.h"
#include "ratchet/json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ratchet;
  std::string_view in = fuzz::text(data, size);
  std::optional<Json> schema = try_parse_json(fuzz::take_line(in));
  if (!schema) return 0;
  std::optional<std::string> problem = json_schema_problem(*schema);
  std::optional<JsonSchema> compiled;
  try {
    compiled.emplace(*schema);
  } catch (const SchemaError& e) {
    FUZZ_CHECK(problem && *problem == e.what());
    return 0;
  }
  FUZZ_CHECK(!problem);
  std::optional<Json> document = try_parse_json(in);
  if (!document) return 0;
  auto first = compiled->validate(*document);
  auto again = compiled->validate(*document);
  FUZZ_CHECK(first.has_value() == again.has_value());
  if (first) FUZZ_CHECK(first->name == again->name && first->message == again->message);
  return 0;
}
