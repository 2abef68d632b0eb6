#include "http/server.h"

#include "core/error.h"

namespace ratchet {

ListenerOptions listener_options(const Settings& settings) {
  ListenerOptions o;
  o.threads = settings.http_threads;
  o.keepalive_seconds = settings.http_keepalive_seconds;
  o.header_timeout_seconds = settings.http_header_timeout_seconds;
  o.max_connections = static_cast<size_t>(settings.http_max_connections);
  o.request.max_body_bytes = static_cast<size_t>(settings.max_body_bytes);
  if (!settings.http_scheme.empty()) o.scheme = settings.http_scheme;
  return o;
}

HttpServer::HttpServer(Node& node)
    : frontend_(node),
      listener_(
          listener_options(node.settings()),
          // Frontend::handle blocks this loop thread until the answer is ready.
          [this](HttpRequest request, std::shared_ptr<Responder> responder) {
            responder->respond(frontend_.handle(request));
          },
          [this, limit = node.settings().max_body_bytes](const HttpRequest& partial, int status) {
            Error e = status == 413 ? errors::too_large(static_cast<size_t>(limit))
                                    : errors::unreadable_request(status);
            return frontend_.refuse(partial, e);
          }) {}

int HttpServer::bind(const std::string& host, int port) { return listener_.bind(host, port); }

bool HttpServer::run() { return listener_.run(); }

void HttpServer::stop() { listener_.stop(); }

}  // namespace ratchet
