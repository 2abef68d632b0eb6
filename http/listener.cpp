#include "http/listener.h"

#include <httplib.h>
#include <sys/socket.h>

namespace ratchet {

Listener::Listener(int threads, int keepalive_seconds, size_t max_body_bytes, Handler handler)
    : server_(std::make_unique<httplib::Server>()) {
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server_->set_keep_alive_max_count(1000000);
  server_->set_keep_alive_timeout(keepalive_seconds);
  server_->set_tcp_nodelay(true);
  server_->set_payload_max_length(max_body_bytes);
  server_->set_socket_options([this](socket_t sock) {
    httplib::default_socket_options(sock);
    listen_fd_ = sock;
  });
  auto without_body = [handler](const httplib::Request& req, httplib::Response& res) {
    handler(req, "", res);
  };
  // cpp-httplib 0.11 would reject a request that has neither Content-Length
  // nor chunked encoding (which HTTP/1.1 defines as an empty body) before
  // routing: these handlers read bodies themselves.
  auto with_body = [handler](const httplib::Request& req, httplib::Response& res,
                             const httplib::ContentReader& read) {
    std::string body;
    if (req.has_header("Content-Length") || req.get_header_value("Transfer-Encoding") == "chunked") {
      bool ok = read([&body](const char* data, size_t n) {
        body.append(data, n);
        return true;
      });
      if (!ok) return;  // httplib set 413 or 400 for its error handler
    }
    handler(req, body, res);
  };
  server_->Get(".*", without_body);
  server_->Options(".*", without_body);
  server_->Post(".*", with_body);
  server_->Put(".*", with_body);
  server_->Patch(".*", with_body);
  server_->Delete(".*", with_body);
}

Listener::~Listener() { stop(); }

int Listener::bind(const std::string& host, int port) {
  int bound = port;
  if (port == 0) {
    bound = server_->bind_to_any_port(host);
  } else if (!server_->bind_to_port(host, port)) {
    return -1;
  }
  if (bound > 0 && listen_fd_ >= 0) ::listen(listen_fd_, 1024);
  return bound;
}

bool Listener::run() { return server_->listen_after_bind(); }

void Listener::stop() {
  if (server_) server_->stop();
}

}  // namespace ratchet
