// A raw TCP connection to a server on 127.0.0.1, for the bytes an HTTP
// client library would never send (slow, malformed, pipelined requests),
// and a reader of the responses that come back (parsed with Beast).
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ratchet::testing {

struct RawResponse {
  int status = 0;
  int version = 11;  // 10 or 11
  std::multimap<std::string, std::string> headers;  // names as sent
  std::string body;  // chunked bodies are decoded

  std::string header(const std::string& name) const;
};

class RawSocket {
 public:
  // Connects; throws std::runtime_error when it cannot.
  explicit RawSocket(int port);
  ~RawSocket();
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  // Sends every byte; false when the server has closed the connection.
  bool send(std::string_view bytes);
  // The next whole response, or nullopt when none came within `timeout`
  // (or the connection ended first). The answer to a HEAD has no body
  // whatever its Content-Length: say so with `to_head`.
  std::optional<RawResponse> response(std::chrono::milliseconds timeout = std::chrono::seconds(5),
                                      bool to_head = false);
  // True when the server closes the connection within `timeout` (what it
  // still sends is read and dropped).
  bool closed_within(std::chrono::milliseconds timeout);

 private:
  // Reads more into pending_; false at the end of the stream or timeout.
  bool read_more(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string pending_;  // received, not yet parsed
};

}  // namespace ratchet::testing
