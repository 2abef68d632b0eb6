// ratchet: a Kinto-protocol server. `ratchet serve` runs one node.
#include <CLI/CLI.hpp>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "actors/node.h"
#include "core/log.h"
#include "core/registry.h"
#include "core/settings.h"
#include "http/server.h"
#include "store/engine.h"

extern char** environ;

namespace {

int serve(const std::string& config, int port, const std::string& data) {
  ratchet::Registry registry;
  ratchet::add_kinto_resources(registry);
  ratchet::Settings settings;
  try {
    settings = ratchet::load_settings(config, environ, registry);
  } catch (const ratchet::ConfigError& e) {
    std::cerr << "ratchet: " << e.what() << "\n";
    return 2;
  }
  if (port >= 0) settings.http_port = port;
  if (!data.empty()) settings.storage_path = data;
  ratchet::init_logging(settings.project_name, settings.log_level);
  if (settings.userid_hmac_secret.empty()) {
    spdlog::warn("userid_hmac_secret is empty: basicauth user ids are not secret");
  }

  // Signals are taken by a waiting thread, never by whichever thread runs.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::unique_ptr<ratchet::Engine> engine;
  try {
    engine = ratchet::open_engine(settings.storage_backend, settings.storage_path);
  } catch (const std::exception& e) {
    spdlog::critical("cannot open storage: {}", e.what());
    return 1;
  }
  ratchet::Node node(registry, settings, std::move(engine));
  ratchet::HttpServer server(node);
  int bound = server.bind(settings.http_host, settings.http_port);
  if (bound < 0) {
    spdlog::critical("cannot listen on {}:{}", settings.http_host, settings.http_port);
    return 1;
  }
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    spdlog::info("signal {}: stopping", sig);
    server.stop();
  });
  spdlog::info("ratchet {} listening on http://{}:{}/v1/ (storage: {} {})", RATCHET_VERSION,
               settings.http_host, bound, settings.storage_backend, settings.storage_path);
  bool ok = server.run();
  if (!ok) {
    // The server stopped by itself: release the waiting thread.
    pthread_kill(waiter.native_handle(), SIGTERM);
  }
  waiter.join();
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ratchet: a Kinto-protocol JSON store with an embedded durable engine"};
  app.set_version_flag("--version", std::string("ratchet ") + RATCHET_VERSION);
  app.require_subcommand(1);
  std::string config;
  int port = -1;
  std::string data;
  auto* serve_cmd = app.add_subcommand("serve", "run a node");
  serve_cmd->add_option("--config", config, "the .ini settings file");
  serve_cmd->add_option("--port", port, "HTTP port (overrides http_port)")->check(CLI::Range(0, 65535));
  serve_cmd->add_option("--data", data, "data directory (overrides storage_path)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return serve(config, port, data);
}
