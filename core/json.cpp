#include "core/json.h"

namespace ratchet {

// Invalid UTF-8 (which only a client's bytes can bring, e.g. echoed in an
// error message) is replaced rather than thrown on.
std::string dump(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string quote(std::string_view s) { return dump(Json(s)); }

Json parse_json(std::string_view text) { return Json::parse(text.begin(), text.end()); }

}  // namespace ratchet

namespace ratchet {

std::string json_error_message(const Json::exception& e) {
  std::string what = e.what();
  size_t tag = what.find("] ");
  return tag == std::string::npos ? what : what.substr(tag + 2);
}

}  // namespace ratchet
