#include "bench/ceiling.h"

#include <httplib.h>
#include <sys/socket.h>

namespace bench {

const std::string& CeilingServer::body() {
  static const std::string fixed = R"({"data":{"id":"ceiling","last_modified":1}})";
  return fixed;
}

CeilingServer::CeilingServer(const CeilingConfig& config) : server_(std::make_unique<httplib::Server>()) {
  int threads = config.threads;
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  server_->set_keep_alive_max_count(1000000);
  server_->set_keep_alive_timeout(config.keepalive_seconds);
  server_->set_tcp_nodelay(true);
  server_->set_socket_options([this](socket_t sock) {
    httplib::default_socket_options(sock);
    listen_fd_ = sock;
  });
  auto answer = [](const httplib::Request&, httplib::Response& res) {
    res.set_content(body(), "application/json");
  };
  auto with_body = [](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& read) {
    std::string received;
    if (req.has_header("Content-Length") || req.get_header_value("Transfer-Encoding") == "chunked") {
      if (!read([&received](const char* data, size_t n) {
            received.append(data, n);
            return true;
          }))
        return;
    }
    res.set_content(body(), "application/json");
  };
  server_->Get(".*", answer);
  server_->Options(".*", answer);
  server_->Post(".*", with_body);
  server_->Put(".*", with_body);
  server_->Patch(".*", with_body);
  server_->Delete(".*", with_body);
}

CeilingServer::~CeilingServer() { stop(); }

int CeilingServer::bind(const std::string& host, int port) {
  int bound = port;
  if (port == 0) {
    bound = server_->bind_to_any_port(host);
  } else if (!server_->bind_to_port(host, port)) {
    return -1;
  }
  // cpp-httplib listens with a backlog of 5 (DEPENDENCIES.md §2b).
  if (bound > 0 && listen_fd_ >= 0) ::listen(listen_fd_, 1024);
  return bound;
}

bool CeilingServer::run() { return server_->listen_after_bind(); }

void CeilingServer::stop() {
  if (server_) server_->stop();
}

}  // namespace bench
