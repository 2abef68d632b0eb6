// The ceiling: ratchet's HTTP layer alone (the same http/listener.h
// Listener, with ratchet's default options: event-driven reads, complete
// requests handled on its loop threads, limits and deadlines) answering
// every request with the same small JSON object. What it sustains is what
// the HTTP layer can do on this machine, the ceiling for ratchet's figures.
// Its answer has no http_api_version, so ratchet-bench sends workloads to it
// without set-up.
//
// Thread-safety: run() blocks; stop() may be called from any thread.
#pragma once

#include <memory>
#include <string>

#include "http/listener.h"

namespace bench {

struct CeilingConfig {
  int threads = ratchet::Settings().http_threads;
  int keepalive_seconds = ratchet::Settings().http_keepalive_seconds;
};

class CeilingServer {
 public:
  explicit CeilingServer(const CeilingConfig& config = {});

  // Binds host:port (0: an ephemeral port); returns the port, or -1.
  int bind(const std::string& host, int port);
  // Serves until stop(); false if it could not listen.
  bool run();
  void stop();

  // The body of every answer.
  static const std::string& body();

 private:
  ratchet::Listener listener_;
};

}  // namespace bench
