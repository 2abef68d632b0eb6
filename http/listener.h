// ratchet's HTTP front: an event-driven accept/read loop (Boost.Asio) that
// hands only complete requests to the handler, so that idle, slow or
// half-sent connections hold no thread. Requests of one connection are
// answered in order (HTTP/1.1 pipelining); each bound below closes a
// connection that would otherwise hold the node. ratchet's HTTP layer and
// the benchmark ceiling both use it: the ceiling measures this exact front.
//
// Thread-safety: run() blocks; stop() may be called from any thread.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "ratchet/settings.h"
#include "http/message.h"
#include "http/request_reader.h"
#include "http/responder.h"

namespace ratchet {

struct ListenerOptions {
  // Threads that run handlers; a handler may block its thread (ratchet's
  // wait for commits), idle connections hold none. Of these, `loop_threads`
  // (0: the number of cores, at least 2) take turns at the loop at once: a
  // thread that waits inside a BlockingWait (core/blocking.h) gives its turn
  // to another, so a few threads do the I/O and many may wait.
  int threads = 64;
  int loop_threads = 0;
  int keepalive_seconds = 5;        // an idle connection is closed after this
  int header_timeout_seconds = 10;  // a head must be complete this long after its first byte
  int body_timeout_seconds = 60;    // then its body, and each response write, this long
  size_t max_connections = 10000;   // beyond it a new connection is closed at once
  // Bytes of request bodies held at once, all connections together
  // (body_budget.h); at least request.max_body_bytes.
  size_t max_body_bytes_held = 64 * 1024 * 1024;
  RequestLimits request;
  std::string scheme = "http";  // of request origins
};

// The options from the settings (http_*, max_body_bytes).
ListenerOptions listener_options(const Settings& settings);

class Listener {
 public:
  // Runs on a loop thread with a complete request; answers through the
  // responder, now or later (see responder.h). Responders must not outlive
  // the Listener.
  using Handler = std::function<void(HttpRequest request, std::shared_ptr<Responder> responder)>;
  // The answer to a request refused before it reached the handler (400,
  // 408, 413, 414, 431, 501; see request_reader.h); `partial` holds what
  // was read of it. The connection is closed after it.
  using Refusal = std::function<HttpResponse(const HttpRequest& partial, int status)>;

  Listener(const ListenerOptions& options, Handler handler, Refusal refusal);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Binds host:port (0: an ephemeral port); returns the bound port or -1.
  int bind(const std::string& host, int port);
  // Serves until stop(); returns false if it could not listen.
  bool run();
  // Stops accepting and closes idle connections; answers in progress are
  // given at most a second to be written. run() returns once the handlers
  // still running (a commit, a password check) end.
  void stop();

  // Connections open now (what tests of the connection cap watch).
  size_t connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ratchet
