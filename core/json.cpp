#include "core/json.h"

namespace ratchet {

std::string dump(const Json& value) { return value.dump(); }

std::string quote(std::string_view s) { return Json(s).dump(); }

Json parse_json(std::string_view text) { return Json::parse(text.begin(), text.end()); }

}  // namespace ratchet
