// ratchet-ceiling: serves CeilingServer until SIGINT or SIGTERM.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <thread>

#include "bench/ceiling.h"

int main(int argc, char** argv) {
  CLI::App app{"ratchet-ceiling: ratchet's HTTP front alone, answering a fixed JSON object",
               "ratchet-ceiling"};
  std::string host = "127.0.0.1";
  int port = 8899;
  bench::CeilingConfig config;
  app.add_option("--host", host, "address to listen on")->capture_default_str();
  app.add_option("--port", port, "port (0: any free port)")->capture_default_str();
  app.add_option("--threads", config.threads, "threads that handle requests (ratchet's http_threads)")
      ->capture_default_str();
  app.add_option("--keepalive", config.keepalive_seconds, "idle keep-alive timeout, seconds")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (config.threads < 1 || port < 0 || port > 65535) {
    std::fprintf(stderr, "ratchet-ceiling: --threads must be at least 1 and --port in 0..65535\n");
    return 2;
  }

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // inherited by every server thread

  bench::CeilingServer server(config);
  int bound = server.bind(host, port);
  if (bound <= 0) {
    std::fprintf(stderr, "ratchet-ceiling: cannot listen on %s:%d\n", host.c_str(), port);
    return 1;
  }
  std::printf("ratchet-ceiling listening on http://%s:%d\n", host.c_str(), bound);
  std::fflush(stdout);
  std::thread waiter([&] {
    int received = 0;
    sigwait(&signals, &received);
    server.stop();
  });
  bool ok = server.run();
  if (waiter.joinable()) {
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
  }
  return ok ? 0 : 1;
}
