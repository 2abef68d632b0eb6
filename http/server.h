// The socket side: a cpp-httplib server whose every request goes to the
// Frontend. Configured for many keep-alive clients (DEPENDENCIES.md §2b): a
// pool thread per connection (http_threads), a raised listen backlog, no
// request limit per connection.
//
// Thread-safety: start() once; stop() from any thread.
#pragma once

#include <memory>
#include <string>

#include "actors/node.h"
#include "http/frontend.h"

namespace httplib {
class Server;
}

namespace ratchet {

class HttpServer {
 public:
  explicit HttpServer(Node& node);
  ~HttpServer();

  // Binds host:port (0: an ephemeral port); returns the bound port or -1.
  int bind(const std::string& host, int port);
  // Serves until stop(); returns false if it could not listen.
  bool run();
  void stop();

 private:
  Node& node_;
  Frontend frontend_;
  std::unique_ptr<httplib::Server> server_;
  int listen_fd_ = -1;
};

}  // namespace ratchet
