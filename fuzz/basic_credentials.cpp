// Fuzzes the Authorization header's Basic credentials
// (http/basic_credentials.h): any header either names a user (non-empty,
// without a colon) or is ignored, and what it names encodes back to the
// same credentials; and any "user:password" text sent as Basic comes back
// split at its first colon.
//
// Input: the header value (also read as the text of the credentials).
#include <string>

#include "core/crypto.h"
#include "fuzz/fuzz_input.h"
#include "http/basic_credentials.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ratchet;
  std::string input(fuzz::text(data, size));

  if (auto credentials = basic_credentials(input)) {
    const auto& [user, password] = *credentials;
    FUZZ_CHECK(!user.empty() && user.find(':') == std::string::npos);
    FUZZ_CHECK(basic_credentials("Basic " + base64_encode(user + ":" + password)) == credentials);
  }

  auto sent = basic_credentials("basic " + base64_encode(input));
  size_t colon = input.find(':');
  if (colon == 0 || colon == std::string::npos) {
    FUZZ_CHECK(!sent);
  } else {
    FUZZ_CHECK(sent && sent->first == input.substr(0, colon) &&
               sent->second == input.substr(colon + 1));
  }
  return 0;
}
