#include "core/json_schema.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <unordered_map>
#include <vector>

#define VALIJSON_USE_EXCEPTIONS 1
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validation_visitor.hpp>

namespace ratchet {

extern const char kJsonSchemaDraft7[];  // generated from core/json_schema_draft7.json

namespace {

using Adapter = valijson::adapters::NlohmannJsonAdapter;
using Regexes = std::unordered_map<std::string, std::regex>;

// Keywords whose values are JSON values, not schemas: never walked.
bool value_keyword(const std::string& key) {
  return key == "const" || key == "enum" || key == "default" || key == "examples";
}

// Removes `format` (not enforced, as in Kinto) and collects the patterns of
// `pattern` and `patternProperties`, in every subschema of `node`. Keys are
// not told apart from keywords: a property named "pattern" costs an extra
// regex, nothing else.
void prepare(Json& node, std::vector<std::string>& patterns) {
  if (node.is_array()) {
    for (Json& item : node) prepare(item, patterns);
    return;
  }
  if (!node.is_object()) return;
  if (auto f = node.find("format"); f != node.end() && f->is_string()) node.erase(f);
  for (auto& [key, value] : node.items()) {
    if (value_keyword(key)) continue;
    if (key == "pattern" && value.is_string()) patterns.push_back(value.get<std::string>());
    if (key == "patternProperties" && value.is_object()) {
      for (auto& [p, _] : value.items()) patterns.push_back(p);
    }
    prepare(value, patterns);
  }
}

// Length times the product of the counted repetitions: a bound on the
// states the pattern's automaton has.
size_t pattern_cost(const std::string& p) {
  size_t product = 1;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '\\') {
      ++i;
      continue;
    }
    if (p[i] != '{') continue;
    size_t bound = 0, run = 0, j = i + 1;  // the larger of the counts
    for (; j < p.size() && (std::isdigit(static_cast<unsigned char>(p[j])) || p[j] == ','); ++j) {
      run = p[j] == ',' ? 0 : std::min<size_t>(run * 10 + (p[j] - '0'), kMaxPatternCost + 1);
      bound = std::max(bound, run);
    }
    if (j < p.size() && p[j] == '}') {
      product = std::min(product * std::max<size_t>(bound, 1), kMaxPatternCost + 1);
    }
  }
  return std::min(product * std::max<size_t>(p.size(), 1), kMaxPatternCost + 1);
}

// `pattern` as valijson searches for it, compiled for libstdc++'s
// polynomial executor; anchored, and preceded by a lazy any-prefix, so
// that one pass over the string does the search.
std::regex compile_pattern(const std::string& pattern) {
  if (pattern_cost(pattern) > kMaxPatternCost) {
    throw SchemaError("pattern: '" + pattern + "' is too complex");
  }
  constexpr auto kFlags = std::regex::ECMAScript | std::regex_constants::__polynomial;
  try {
    std::regex alone(pattern, kFlags);  // a pattern with a stray ')' must not escape the wrapper
    return std::regex("^[\\s\\S]*?(?:" + pattern + ")", kFlags);
  } catch (const std::regex_error& e) {
    throw SchemaError("pattern: '" + pattern + "' is not a supported regular expression (" +
                      e.what() + ")");
  }
}

// A `$ref` within the document ("#", "#/definitions/x"): its target, or
// null when it names anything else.
const Json* local_target(const Json& root, const std::string& ref) {
  if (ref == "#") return &root;
  if (ref.rfind("#/", 0) != 0) return nullptr;
  std::string pointer;  // percent-decoded, as valijson resolves it
  for (size_t i = 1; i < ref.size(); ++i) {
    if (ref[i] == '%' && i + 2 < ref.size() && std::isxdigit(static_cast<unsigned char>(ref[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(ref[i + 2]))) {
      pointer += static_cast<char>(std::stoi(ref.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      pointer += ref[i];
    }
  }
  try {
    return &root.at(Json::json_pointer(pointer));
  } catch (const Json::exception&) {
    return nullptr;
  }
}

// Bounds validation's recursion: the longest chain of subschemas applied
// to one document value ($ref, allOf/anyOf/oneOf items, not, if/then/else,
// schema dependencies), from any subschema. A loop is an endless chain.
class ChainCheck {
 public:
  static constexpr int kMaxChain = 16;
  explicit ChainCheck(const Json& root) : root_(root) {}

  // Checks every object of the document as a schema.
  void all(const Json& node) {
    if (node.is_object()) longest(node);
    if (!node.is_structured()) return;
    for (auto& [key, value] : node.items()) {
      if (!node.is_object() || !value_keyword(key)) all(value);
    }
  }

 private:
  int longest(const Json& node) {
    if (!node.is_object()) return 0;
    auto [it, fresh] = memo_.try_emplace(&node, -1);
    if (!fresh) {
      if (it->second < 0) throw SchemaError("$ref: the schema refers to itself without going deeper");
      return it->second;
    }
    int chain = 0;
    auto step = [&](const Json* next) {
      if (next) chain = std::max(chain, 1 + longest(*next));
    };
    for (auto& [key, value] : node.items()) {
      if (key == "$ref" && value.is_string()) {
        const Json* target = local_target(root_, value.get<std::string>());
        if (!target) throw SchemaError("$ref: '" + value.get<std::string>() + "' is not a reference within the schema");
        step(target);
      } else if ((key == "allOf" || key == "anyOf" || key == "oneOf") && value.is_array()) {
        for (const Json& item : value) step(&item);
      } else if (key == "not" || key == "if" || key == "then" || key == "else") {
        step(&value);
      } else if (key == "dependencies" && value.is_object()) {
        for (auto& [_, dep] : value.items()) step(&dep);
      }
    }
    if (chain > kMaxChain) throw SchemaError("$ref: subschemas nest more than 16 deep");
    return it->second = chain;
  }

  const Json& root_;
  std::unordered_map<const Json*, int> memo_;
};

// The property a valijson error is about: the last element of its path
// ("[title]"), or the property its message quotes (a missing required one).
std::string offending_name(const valijson::ValidationResults::Error& error) {
  if (error.context.size() > 1) {
    const std::string& last = error.context.back();
    return last.size() >= 2 ? last.substr(1, last.size() - 2) : last;
  }
  const std::string& d = error.description;
  size_t end = d.rfind('\'');
  size_t begin = end == std::string::npos || end == 0 ? std::string::npos : d.rfind('\'', end - 1);
  if (begin != std::string::npos) return d.substr(begin + 1, end - begin - 1);
  return "data";
}

}  // namespace

struct JsonSchema::Compiled {
  valijson::Schema schema;
  Regexes regexes;
};

namespace {

const valijson::Schema& metaschema() {
  static const valijson::Schema* meta = [] {
    auto* s = new valijson::Schema;
    Json doc = parse_json(kJsonSchemaDraft7);
    // Without `format` ("format": "regex" on `pattern`): valijson's format
    // check throws on a value of another type instead of failing it.
    std::vector<std::string> patterns;
    prepare(doc, patterns);
    valijson::SchemaParser(valijson::SchemaParser::kDraft7).populateSchema(Adapter(doc), *s);
    return s;
  }();
  return *meta;
}

// Validates `document`; on failure, the first (deepest) error. valijson
// reports what it cannot evaluate by throwing: that is a failure too.
std::optional<valijson::ValidationResults::Error> first_error(const valijson::Schema& schema,
                                                              const Regexes& compiled,
                                                              const Json& document) {
  Adapter target(document);
  Regexes regexes = compiled;  // valijson may add to it: each call owns its copy
  try {
    if (valijson::ValidationVisitor<Adapter>(target, {"<root>"}, true, nullptr, regexes)
            .validateSchema(schema)) {
      return std::nullopt;
    }
    valijson::ValidationResults results;
    valijson::ValidationVisitor<Adapter>(target, {"<root>"}, true, &results, regexes)
        .validateSchema(schema);
    valijson::ValidationResults::Error error{{"<root>"}, "Invalid document."};
    results.popError(error);
    return error;
  } catch (const std::exception& e) {
    return valijson::ValidationResults::Error{{"<root>"}, e.what()};
  }
}

}  // namespace

JsonSchema::JsonSchema(const Json& schema) : compiled_(std::make_unique<Compiled>()) {
  if (auto bad = first_error(metaschema(), {}, schema)) {
    throw SchemaError(offending_name(*bad) + ": " + bad->description);
  }
  ChainCheck(schema).all(schema);
  Json prepared = schema;
  std::vector<std::string> patterns;
  prepare(prepared, patterns);
  for (const std::string& p : patterns) {
    if (!compiled_->regexes.count(p)) compiled_->regexes.emplace(p, compile_pattern(p));
  }
  try {
    valijson::SchemaParser(valijson::SchemaParser::kDraft7)
        .populateSchema(Adapter(prepared), compiled_->schema);
  } catch (const std::exception& e) {
    throw SchemaError(std::string("$ref: ") + e.what());
  }
}

JsonSchema::~JsonSchema() = default;

std::optional<SchemaViolation> JsonSchema::validate(const Json& document) const {
  auto error = first_error(compiled_->schema, compiled_->regexes, document);
  if (!error) return std::nullopt;
  return SchemaViolation{offending_name(*error), error->description};
}

std::optional<std::string> json_schema_problem(const Json& schema) {
  try {
    JsonSchema compiled(schema);
    return std::nullopt;
  } catch (const SchemaError& e) {
    return e.what();
  }
}

}  // namespace ratchet
