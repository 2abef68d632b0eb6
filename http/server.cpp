#include "http/server.h"

#include "core/error.h"

namespace ratchet {

HttpServer::HttpServer(Node& node)
    : frontend_(node),
      listener_(
          listener_options(node.settings()),
          // Frontend::handle blocks this loop thread until the answer is ready.
          [this](HttpRequest request, std::shared_ptr<Responder> responder) {
            responder->respond(frontend_.handle(request));
          },
          [this, limit = node.settings().max_body_bytes](const HttpRequest& partial, int status) {
            return frontend_.refuse(partial,
                                    errors::unreadable_request(status, static_cast<size_t>(limit)));
          }) {}

int HttpServer::bind(const std::string& host, int port) { return listener_.bind(host, port); }

bool HttpServer::run() { return listener_.run(); }

void HttpServer::stop() { listener_.stop(); }

}  // namespace ratchet
