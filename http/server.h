// The socket side: ratchet's Listener (http/listener.h), set up from the
// settings, whose every complete request goes to the Frontend, and whose
// refusals (malformed, too large, too slow) get the protocol's JSON errors.
//
// Thread-safety: run() once; stop() from any thread.
#pragma once

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

  const Listener& listener() const { return listener_; }  // for tests of the front

 private:
  Frontend frontend_;
  Listener listener_;
};

}  // namespace ratchet
