// JSON values for documents that are built or changed (request bodies,
// patches, ACLs). Stored objects are kept and served as bytes; see DESIGN.md.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace ratchet {

using Json = nlohmann::json;

// Minified JSON text; forward slashes are not escaped, UTF-8 is kept as is
// (invalid UTF-8 is replaced by U+FFFD).
std::string dump(const Json& value);

// A JSON string literal for `s`, quotes included.
std::string quote(std::string_view s);

// Parses `text`; throws Json::exception.
Json parse_json(std::string_view text);

// What a Json::exception says, without nlohmann's "[json.exception...] " tag.
std::string json_error_message(const Json::exception& e);

}  // namespace ratchet
