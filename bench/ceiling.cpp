#include "bench/ceiling.h"

#include <httplib.h>

namespace bench {
namespace {

constexpr size_t kMaxBody = 8 * 1024 * 1024;  // ratchet's max_body_bytes default

}  // namespace

const std::string& CeilingServer::body() {
  static const std::string fixed = R"({"data":{"id":"ceiling","last_modified":1}})";
  return fixed;
}

CeilingServer::CeilingServer(const CeilingConfig& config)
    : listener_(config.threads, config.keepalive_seconds, kMaxBody,
                [](const httplib::Request&, const std::string&, httplib::Response& res) {
                  res.set_content(body(), "application/json");
                }) {}

int CeilingServer::bind(const std::string& host, int port) { return listener_.bind(host, port); }

bool CeilingServer::run() { return listener_.run(); }

void CeilingServer::stop() { listener_.stop(); }

}  // namespace bench
