// A blocking client for set-up and checks: one keep-alive connection, one
// request at a time, with a timeout. Speaks through Connection, so set-up
// and load use the same HTTP code.
//
// Thread-safety: none; use one client per thread.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "bench/connection.h"
#include "bench/http_message.h"
#include "bench/url.h"

namespace bench {

// The server could not be reached, or did not answer in HTTP.
class TransportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A set-up step got an answer it cannot use (an unexpected status, a body
// that is not the JSON it needs). The message names the request.
class ProtocolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Client {
 public:
  // Throws TransportError when the host cannot be resolved.
  explicit Client(const Url& url, double timeout_seconds = 30);

  // Sends `request` (its target is used as is); throws TransportError.
  Response send(const Request& request, const std::string& authorization = "");
  // Sends and checks that the status is 2xx, then parses the body as JSON
  // (null for an empty body); throws ProtocolError otherwise.
  nlohmann::json expect_json(const Request& request, const std::string& authorization = "");

  const Url& url() const { return url_; }

 private:
  Url url_;
  Endpoint endpoint_;
  Connection connection_;
  double timeout_;
};

// "Basic base64(user:password)".
std::string basic_auth(const std::string& user, const std::string& password);

// "METHOD target answered 404: <start of the body>".
std::string describe_failure(const Request& request, const Response& response);

}  // namespace bench
