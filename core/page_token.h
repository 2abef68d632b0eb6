// Continuation tokens of paginated lists (PROTOCOL.md §4.5): base64 of
// {"last_object":{"last_modified":<ts>,"id":<id>}}, the keyset position of
// the last object of the page. Opaque to clients.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace ratchet {

struct PagePosition {
  int64_t last_modified = 0;
  std::string id;
};

std::string encode_token(const PagePosition& position);
// nullopt when the token is not one of ours.
std::optional<PagePosition> decode_token(const std::string& token);

}  // namespace ratchet
