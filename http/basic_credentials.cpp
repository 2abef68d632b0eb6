#include "http/basic_credentials.h"

#include <strings.h>

#include "core/crypto.h"

namespace ratchet {

std::optional<std::pair<std::string, std::string>> basic_credentials(const std::string& header) {
  static const std::string scheme = "Basic ";
  if (header.size() <= scheme.size() ||
      strncasecmp(header.c_str(), scheme.c_str(), scheme.size()) != 0) {
    return std::nullopt;
  }
  size_t start = header.find_first_not_of(' ', scheme.size());
  if (start == std::string::npos) return std::nullopt;
  auto credentials = base64_decode(header.substr(start));
  if (!credentials) return std::nullopt;
  size_t colon = credentials->find(':');
  if (colon == 0 || colon == std::string::npos) return std::nullopt;
  return std::make_pair(credentials->substr(0, colon), credentials->substr(colon + 1));
}

}  // namespace ratchet
