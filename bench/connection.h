// One keep-alive HTTP/1.1 connection to a server, driven by socket readiness
// (poll or epoll) so that one thread can drive many of them. One request at a
// time, no pipelining. It reconnects by itself when the next request is sent
// after the server closed it.
//
// Thread-safety: none; a connection belongs to the thread that drives it.
#pragma once

#include <sys/socket.h>

#include <string>
#include <string_view>

#include "bench/http_message.h"
#include "bench/url.h"

namespace bench {

// A resolved server address.
struct Endpoint {
  sockaddr_storage address{};
  socklen_t length = 0;
  std::string authority;  // "host:port", the Host header
};

// Resolves url.host; on failure returns false and sets `error`.
bool resolve(const Url& url, Endpoint* endpoint, std::string* error);

class Connection {
 public:
  enum class Status { busy, done, failed };

  explicit Connection(const Endpoint& endpoint) : endpoint_(endpoint) {}
  ~Connection() { close(); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Opens the socket if needed and starts sending `bytes` (a serialized
  // request of `method`). done is never returned here.
  Status send(std::string bytes, std::string_view method);
  // Makes progress after the socket became ready.
  Status on_ready();

  int fd() const { return fd_; }
  bool wants_write() const { return connecting_ || written_ < out_.size(); }
  // The response, valid after done.
  Response& response() { return parser_.response(); }
  uint64_t response_bytes() const { return parser_.bytes(); }
  // After failed: what went wrong, and a short kind for counting
  // ("connect", "reset", "closed", "timeout", "bad response").
  const std::string& error() const { return error_; }
  const std::string& error_kind() const { return error_kind_; }
  // True when the failure was the server closing an idle keep-alive
  // connection before reading the request: safe to send it again.
  bool stale() const { return stale_; }
  // Marks the request as timed out and closes the connection.
  void time_out(double seconds);
  void close();

 private:
  bool open();
  Status fail(const std::string& kind, const std::string& message);
  Status write_some();
  Status read_some();

  const Endpoint& endpoint_;
  int fd_ = -1;
  bool connecting_ = false;
  int served_ = 0;  // responses on the current socket
  std::string out_;
  size_t written_ = 0;
  ResponseParser parser_;
  std::string error_;
  std::string error_kind_;
  bool stale_ = false;
};

}  // namespace bench
