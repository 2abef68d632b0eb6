#include "ratchet/app.h"

#include <CLI/CLI.hpp>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <thread>

#include "actors/node.h"
#include "core/log.h"
#include "ratchet/settings.h"
#include "http/server.h"

extern char** environ;

namespace ratchet {
namespace {

int serve(const std::string& name, const Registry& app_registry, const std::string& config,
          int port, const std::string& data) {
  Settings settings;
  try {
    settings = load_settings(config, environ, app_registry);
  } catch (const ConfigError& e) {
    std::cerr << name << ": " << e.what() << "\n";
    return 2;
  }
  Registry registry = app_registry;
  registry.include_plugins(settings);
  if (port >= 0) settings.http_port = port;
  if (!data.empty()) settings.storage_path = data;
  init_logging(settings.project_name, settings.log_level);
  if (!settings.ignored.empty()) {
    std::string list;
    for (const auto& item : settings.ignored) list += (list.empty() ? "" : ", ") + item;
    spdlog::warn("{}: ignored, as they mean nothing to ratchet: {}", config, list);
  }

  // A write to a socket its peer closed is an error where it happens (etcd's
  // client, cpp-httplib 0.11, sends without MSG_NOSIGNAL), never the end of
  // the node.
  signal(SIGPIPE, SIG_IGN);
  // Signals are taken by one waiting thread, whatever thread they hit.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::unique_ptr<Node> node;
  try {
    node = std::make_unique<Node>(registry, settings);
  } catch (const ConfigError& e) {  // e.g. a cluster's settings that differ
    spdlog::critical("{}", e.what());
    return 2;
  } catch (const std::exception& e) {
    spdlog::critical("{}: {}", settings.clustered() ? "cannot start the node" : "cannot open storage",
                     e.what());
    return 1;
  }
  HttpServer server(*node);
  int bound = server.bind(settings.http_host, settings.http_port);
  if (bound < 0) {
    spdlog::critical("cannot listen on {}:{}", settings.http_host, settings.http_port);
    return 1;
  }
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    spdlog::info("signal {}: stopping", sig);
    node->begin_shutdown();
    server.stop();
  });
  spdlog::info("{} {} listening on http://{}:{}/v1/ (storage: {} {})", name, RATCHET_VERSION,
               settings.http_host, bound, settings.storage_backend, settings.storage_path);
  bool ok = server.run();
  if (!ok) pthread_kill(waiter.native_handle(), SIGTERM);  // release the waiting thread
  waiter.join();
  return ok ? 0 : 1;
}

}  // namespace

int run_app(const std::string& name, const Registry& registry, int argc, char** argv) {
  CLI::App app{name + ": a Kinto-protocol JSON store with an embedded durable engine"};
  app.set_version_flag("--version", name + " " + RATCHET_VERSION);
  app.require_subcommand(1);
  std::string config;
  int port = -1;
  std::string data;
  auto* serve_cmd = app.add_subcommand("serve", "run a node");
  serve_cmd->add_option("--config", config, "the .ini settings file (section [ratchet])");
  serve_cmd->add_option("--port", port, "HTTP port, overrides http_port (0: any free port)")
      ->check(CLI::Range(0, 65535));
  serve_cmd->add_option("--data", data, "data directory, overrides storage_path");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return serve(name, registry, config, port, data);
}

}  // namespace ratchet
