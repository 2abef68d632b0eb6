// A JSON Schema, Draft 7 (the draft Kinto validates with), checked against
// the Draft 7 metaschema and compiled once, so that validating a document
// parses nothing. Backed by valijson. As Kinto's validator, `format` is
// not enforced.
//
// Bounds: `pattern` and `patternProperties` run on libstdc++'s polynomial
// (non-backtracking, non-recursive) regex executor, and a schema whose
// patterns would make it large is refused (kMaxPatternCost); a schema
// whose references loop without going deeper into the document is refused.
//
// Thread-safety: a JsonSchema is immutable once built; validate may run on
// any number of threads at once.
#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "ratchet/json.h"

namespace ratchet {

// About how many automaton states a pattern may compile to: its length
// times the product of its counted repetitions ({n,m}).
constexpr size_t kMaxPatternCost = 20000;

// What is wrong with a document, as Kinto reports it: the offending
// property (last element of its path, or the missing required property)
// and the validator's message.
struct SchemaViolation {
  std::string name;
  std::string message;
};

class JsonSchema {
 public:
  // Throws SchemaError when `schema` is not a Draft 7 JSON Schema ratchet
  // can use: not valid under the metaschema, a $ref that does not resolve
  // within the document, a pattern that is not an ECMAScript regex or is
  // too costly.
  explicit JsonSchema(const Json& schema);
  ~JsonSchema();
  JsonSchema(const JsonSchema&) = delete;
  JsonSchema& operator=(const JsonSchema&) = delete;

  // The first problem of `document`, nullopt when it is valid.
  std::optional<SchemaViolation> validate(const Json& document) const;

 private:
  struct Compiled;
  std::unique_ptr<Compiled> compiled_;
};

struct SchemaError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The problem with `schema` as a JSON Schema (message as Kinto's: the
// offending keyword, then what is wrong), nullopt when it is usable.
std::optional<std::string> json_schema_problem(const Json& schema);

}  // namespace ratchet
