// A cpp-httplib server set up for many keep-alive clients, as DEPENDENCIES.md
// §2b found necessary: a pool thread per connection (`threads`), no limit of
// requests per connection, TCP_NODELAY, the listen backlog raised from 5 to
// 1024, and bodies read by the handlers (so that a request without a body
// and without Content-Length is served). ratchet's HTTP layer and the
// benchmark ceiling both use it: the ceiling measures this exact layer.
//
// Thread-safety: run() blocks; stop() may be called from any thread.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace ratchet {

class Listener {
 public:
  // Called with the request and its whole body.
  using Handler =
      std::function<void(const httplib::Request&, const std::string& body, httplib::Response&)>;

  // Every method goes to `handler`; bodies over max_body_bytes get 413.
  Listener(int threads, int keepalive_seconds, size_t max_body_bytes, Handler handler);
  ~Listener();

  httplib::Server& server() { return *server_; }
  // Binds host:port (0: an ephemeral port); returns the bound port or -1.
  int bind(const std::string& host, int port);
  // Serves until stop(); returns false if it could not listen.
  bool run();
  void stop();

 private:
  std::unique_ptr<httplib::Server> server_;
  int listen_fd_ = -1;
};

}  // namespace ratchet
