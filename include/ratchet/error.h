// Protocol errors (PROTOCOL.md §9): HTTP status, Kinto errno and the JSON
// error body. Every failure a client can see is one of these.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ratchet/json.h"

namespace ratchet {

enum Errno : int {
  kMissingAuthToken = 104,
  kInvalidParameters = 107,
  kInvalidResourceId = 110,
  kMissingResource = 111,
  kRequestTooLarge = 113,
  kModifiedMeanwhile = 114,
  kMethodNotAllowed = 115,
  kVersionNotAvailable = 116,
  kForbidden = 121,
  kBackend = 201,
  kUndefined = 999,
};

// One entry of a validation error's `details` (§9.4).
struct ErrorDetail {
  std::string location;             // body, querystring, header, path
  std::optional<std::string> name;  // null when the error is about the whole location
  std::string description;
};

struct Error {
  int status = 500;
  int errno_ = kUndefined;
  std::string error;    // reason phrase, or "Invalid parameters"
  std::string message;  // omitted from the body when empty
  std::string details;  // JSON text; omitted when empty

  // The §9.1 JSON body.
  std::string body() const;
};

namespace errors {

// 400 errno 107 with details sorted by name and the message of §9.4.
Error invalid(std::vector<ErrorDetail> details);
Error invalid(std::string location, std::optional<std::string> name,
              std::string description);
// 400 for an unparsable body: "Invalid JSON: ...", then the body's
// "Required" (Kinto's two details, both named "").
Error invalid_json(const std::string& parser_detail);
// The detail of a JSON object `unknown` holding keys a mapping does not
// have, worded as Kinto's (colander): Unrecognized keys in mapping: "{'foo': 1}".
ErrorDetail unrecognized_keys(std::string location, std::string name, const Json& unknown);
// The detail of a value that should be an object, worded as Kinto's
// (colander): "[1]" is not a mapping type: ...
ErrorDetail not_a_mapping(std::string location, std::string name, const Json& value);
// The details of a request body that is not an object, as Kinto's: an
// array is not a mapping; a scalar is neither an object nor an array, and
// the body is then "Required".
std::vector<ErrorDetail> body_not_an_object(const Json& body);
Error bad_url();                                   // 400 "Invalid URL path."
Error unknown_url();                               // 404 errno 111
Error version_not_available();                     // 404 errno 116
Error object_missing(const std::string& id, const std::string& resource);  // 404/110
Error parent_missing(const std::string& id, const std::string& resource);  // 404/111
Error unauthenticated();                           // 401 errno 104
Error forbidden();                                 // 403 errno 121
// A refused request: 401 when anonymous (no user id), else 403 (§7.5).
Error not_allowed(const std::string& user_id);
Error method_not_allowed();                        // 405 errno 115
Error not_acceptable();                            // 406 errno 107
Error unsupported_media_type(const std::vector<std::string>& allowed);  // 415
Error precondition_failed(const std::string& existing_json);  // 412; "" = no details
Error too_large(size_t limit);                     // 413 errno 113
// A request refused while it was read (RFC 9112): 400 malformed framing,
// 408 too slow, 413 body over `max_body_bytes` (as too_large), 414 target
// too long, 431 head too large, 501 unknown transfer coding; errno 107 for
// the other 4xx, 999 for 501.
Error unreadable_request(int status, size_t max_body_bytes);
Error backend_unavailable();                       // 503 errno 201
Error internal();                                  // 500 errno 999

}  // namespace errors
}  // namespace ratchet
