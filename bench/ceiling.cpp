#include "bench/ceiling.h"

#include "ratchet/error.h"

namespace bench {
namespace {

ratchet::ListenerOptions options_of(const CeilingConfig& config) {
  ratchet::ListenerOptions o = ratchet::listener_options(ratchet::Settings());
  o.threads = config.threads;
  o.keepalive_seconds = config.keepalive_seconds;
  return o;
}

}  // namespace

const std::string& CeilingServer::body() {
  static const std::string fixed = R"({"data":{"id":"ceiling","last_modified":1}})";
  return fixed;
}

CeilingServer::CeilingServer(const CeilingConfig& config)
    : listener_(
          options_of(config),
          [](ratchet::HttpRequest, std::shared_ptr<ratchet::Responder> responder) {
            ratchet::HttpResponse r;
            r.set_header("Content-Type", "application/json");
            r.body = body();
            responder->respond(std::move(r));
          },
          [](const ratchet::HttpRequest&, int status) {
            size_t max_body = static_cast<size_t>(ratchet::Settings().max_body_bytes);
            return ratchet::HttpResponse::of(ratchet::errors::unreadable_request(status, max_body));
          }) {}

int CeilingServer::bind(const std::string& host, int port) { return listener_.bind(host, port); }

bool CeilingServer::run() { return listener_.run(); }

void CeilingServer::stop() { listener_.stop(); }

}  // namespace bench
