// JSON values for documents that are built or changed (request bodies,
// patches, ACLs). Stored objects are kept and served as bytes; see DESIGN.md.
//
// Every document the server reads (request bodies, querystring values,
// tokens, stored objects) is parsed by parse_json, which refuses arrays and
// objects nested deeper than kMaxJsonDepth: what recurses over a parsed value
// (copies, comparisons, dump) never goes deeper than that.
#pragma once

#include <nlohmann/json.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ratchet {

using Json = nlohmann::json;

// The deepest nesting of arrays and objects a parsed document may have
// (a top-level object is at depth 1).
constexpr size_t kMaxJsonDepth = 512;

// Minified JSON text; forward slashes are not escaped, UTF-8 is kept as is
// (invalid UTF-8 is replaced by U+FFFD).
std::string dump(const Json& value);

// A JSON string literal for `s`, quotes included.
std::string quote(std::string_view s);

// Parses `text`; throws Json::exception when it is not JSON or nests
// deeper than kMaxJsonDepth.
Json parse_json(std::string_view text);
// The same, nullopt instead of an exception.
std::optional<Json> try_parse_json(std::string_view text);

// How deeply arrays and objects nest in `value` (0 for a scalar). Not
// recursive: it measures a value of any depth.
size_t json_depth(const Json& value);

// About how many bytes `value` takes as minified JSON (numbers count 8),
// counted only up to `cap`: a result over `cap` means "larger", and
// measuring costs O(min(size, cap)). Not recursive.
size_t json_size(const Json& value, size_t cap);

// What a Json::exception says, without nlohmann's "[json.exception...] " tag.
std::string json_error_message(const Json::exception& e);

}  // namespace ratchet
