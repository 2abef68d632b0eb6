#include "http/server.h"

#include <malloc.h>

#include "ratchet/error.h"

namespace ratchet {
namespace {

// Handling a body of this size or more allocates hundreds of megabytes
// (JSON trees are tens of times larger than their text), which malloc
// keeps in the handling thread's arena unless asked to give it back.
constexpr size_t kTrimAfterBodyBytes = 1 << 20;

void handle(Frontend& frontend, HttpRequest request, Responder& responder) {
  bool large = request.body.size() >= kTrimAfterBodyBytes;
  {
    HttpRequest handled = std::move(request);
    responder.respond(frontend.handle(handled));
  }
  if (large) malloc_trim(0);
}

}  // namespace

HttpServer::HttpServer(Node& node)
    : frontend_(node),
      listener_(
          listener_options(node.settings()),
          // Frontend::handle blocks this loop thread until the answer is ready.
          [this](HttpRequest request, std::shared_ptr<Responder> responder) {
            handle(frontend_, std::move(request), *responder);
          },
          [this, limit = node.settings().max_body_bytes](const HttpRequest& partial, int status) {
            return frontend_.refuse(partial,
                                    errors::unreadable_request(status, static_cast<size_t>(limit)));
          }) {}

int HttpServer::bind(const std::string& host, int port) { return listener_.bind(host, port); }

bool HttpServer::run() { return listener_.run(); }

void HttpServer::stop() { listener_.stop(); }

}  // namespace ratchet
