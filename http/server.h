// The socket side: a Listener (cpp-httplib set up for many keep-alive
// clients) whose every request goes to the Frontend, with httplib's own
// error answers turned into the protocol's.
//
// Thread-safety: start() once; stop() from any thread.
#pragma once

#include <memory>
#include <string>

#include "actors/node.h"
#include "http/frontend.h"
#include "http/listener.h"

namespace ratchet {

class HttpServer {
 public:
  explicit HttpServer(Node& node);

  // Binds host:port (0: an ephemeral port); returns the bound port or -1.
  int bind(const std::string& host, int port);
  // Serves until stop(); returns false if it could not listen.
  bool run();
  void stop();

 private:
  Node& node_;
  Frontend frontend_;
  const std::string scheme_;
  Listener listener_;
};

}  // namespace ratchet
