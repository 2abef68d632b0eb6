// The ceiling: a bare cpp-httplib server that answers every request with the
// same small JSON object, configured like ratchet's HTTP layer (a pool thread
// per keep-alive connection, unlimited requests per connection, TCP_NODELAY,
// bodies read through a content reader, listen backlog raised to 1024). What
// it sustains is what the HTTP layer alone can do on this machine, the
// ceiling for ratchet's figures. Its answer has no http_api_version, so
// ratchet-bench sends workloads to it without set-up.
//
// Thread-safety: run() blocks; stop() may be called from any thread.
#pragma once

#include <memory>
#include <string>

namespace httplib {
class Server;
}

namespace bench {

struct CeilingConfig {
  int threads = 64;            // ratchet's http_threads default
  int keepalive_seconds = 5;   // ratchet's http_keepalive_seconds default
};

class CeilingServer {
 public:
  explicit CeilingServer(const CeilingConfig& config = {});
  ~CeilingServer();

  // Binds host:port (0: an ephemeral port); returns the port, or -1.
  int bind(const std::string& host, int port);
  // Serves until stop(); false if it could not listen.
  bool run();
  void stop();

  // The body of every answer.
  static const std::string& body();

 private:
  std::unique_ptr<httplib::Server> server_;
  int listen_fd_ = -1;
};

}  // namespace bench
