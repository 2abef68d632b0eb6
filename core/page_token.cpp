#include "core/page_token.h"

#include "core/crypto.h"
#include "core/json.h"

namespace ratchet {

std::string encode_token(const PagePosition& position) {
  Json doc = {{"last_object", {{"last_modified", position.last_modified}, {"id", position.id}}}};
  return base64_encode(dump(doc));
}

std::optional<PagePosition> decode_token(const std::string& token) {
  auto text = base64_decode(token);
  if (!text) return std::nullopt;
  Json doc = Json::parse(*text, nullptr, false);
  if (!doc.is_object()) return std::nullopt;
  auto last = doc.find("last_object");
  if (last == doc.end() || !last->is_object()) return std::nullopt;
  auto ts = last->find("last_modified");
  auto id = last->find("id");
  if (ts == last->end() || !ts->is_number_integer() || id == last->end() || !id->is_string()) {
    return std::nullopt;
  }
  return PagePosition{ts->get<int64_t>(), id->get<std::string>()};
}

}  // namespace ratchet
