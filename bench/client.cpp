#include "bench/client.h"

#include <poll.h>

#include <chrono>

namespace bench {

Client::Client(const Url& url, double timeout_seconds)
    : url_(url), connection_(endpoint_), timeout_(timeout_seconds) {
  std::string error;
  if (!resolve(url_, &endpoint_, &error)) throw TransportError(error);
}

Response Client::send(const Request& request, const std::string& authorization) {
  std::string bytes = request.serialize(endpoint_.authority, authorization);
  for (int attempt = 0;; ++attempt) {
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::milliseconds(static_cast<int64_t>(timeout_ * 1000));
    Connection::Status status = connection_.send(bytes, request.method);
    while (status == Connection::Status::busy) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        connection_.time_out(timeout_);
        status = Connection::Status::failed;
        break;
      }
      pollfd p{connection_.fd(), static_cast<short>(POLLIN | (connection_.wants_write() ? POLLOUT : 0)), 0};
      int ready = ::poll(&p, 1, static_cast<int>(left.count()));
      if (ready > 0) status = connection_.on_ready();
    }
    if (status == Connection::Status::done) return std::move(connection_.response());
    // A keep-alive connection the server had closed while idle: once more.
    if (connection_.stale() && attempt == 0) continue;
    throw TransportError(request.method + " " + request.target + ": " + connection_.error());
  }
}

std::string describe_failure(const Request& request, const Response& response) {
  std::string body = response.body.substr(0, 300);
  for (char& c : body)
    if (c == '\n' || c == '\r') c = ' ';
  return request.method + " " + request.target + " answered " + std::to_string(response.status) +
         (body.empty() ? "" : ": " + body);
}

nlohmann::json Client::expect_json(const Request& request, const std::string& authorization) {
  Response response = send(request, authorization);
  if (response.status < 200 || response.status > 299)
    throw ProtocolError(describe_failure(request, response));
  if (response.body.empty()) return nullptr;
  auto parsed = nlohmann::json::parse(response.body, nullptr, false);
  if (parsed.is_discarded())
    throw ProtocolError(request.method + " " + request.target + " answered " +
                        std::to_string(response.status) + " with a body that is not JSON");
  return parsed;
}

std::string basic_auth(const std::string& user, const std::string& password) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string in = user + ":" + password;
  std::string out = "Basic ";
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += alphabet[(n >> shift) & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t n = uint8_t(in[i]) << 16;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

}  // namespace bench
