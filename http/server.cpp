#include "http/server.h"

#include <httplib.h>
#include <sys/socket.h>

#include "core/error.h"

namespace ratchet {
namespace {

HttpRequest from_httplib(const httplib::Request& req, const std::string& scheme) {
  HttpRequest r;
  r.method = req.method;
  r.path = req.path;
  size_t q = req.target.find('?');
  if (q != std::string::npos) r.query = req.target.substr(q + 1);
  r.params = parse_query(r.query);
  r.headers = req.headers;
  r.body = req.body;
  std::string host = req.get_header_value("Host");
  if (host.empty()) host = req.local_addr + ":" + std::to_string(req.local_port);
  r.origin = scheme + "://" + host;
  return r;
}

void to_httplib(HttpResponse&& from, httplib::Response& res) {
  res.status = from.status;
  std::string content_type = "application/json";
  for (auto& [k, v] : from.headers) {
    if (k == "Content-Type") {
      content_type = v;
    } else {
      res.set_header(k, v);
    }
  }
  if (!from.body.empty()) {
    res.set_content(std::move(from.body), content_type.c_str());
  } else if (from.status != 304) {
    res.set_header("Content-Type", content_type);
  }
}

}  // namespace

HttpServer::HttpServer(Node& node)
    : node_(node), frontend_(node), server_(std::make_unique<httplib::Server>()) {
  const Settings& s = node.settings();
  int threads = s.http_threads;
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server_->set_keep_alive_max_count(1000000);
  server_->set_keep_alive_timeout(s.http_keepalive_seconds);
  server_->set_tcp_nodelay(true);
  server_->set_payload_max_length(static_cast<size_t>(s.max_body_bytes));
  server_->set_socket_options([this](socket_t sock) {
    httplib::default_socket_options(sock);
    listen_fd_ = sock;
  });
  std::string scheme = s.http_scheme.empty() ? "http" : s.http_scheme;
  auto handler = [this, scheme](const httplib::Request& req, httplib::Response& res) {
    to_httplib(frontend_.handle(from_httplib(req, scheme)), res);
  };
  // Bodies are read by the handler: cpp-httplib 0.11 would otherwise reject
  // a request that has neither Content-Length nor chunked encoding (which
  // HTTP/1.1 defines as an empty body) before it reaches routing.
  auto with_body = [this, scheme](const httplib::Request& req, httplib::Response& res,
                                  const httplib::ContentReader& read) {
    HttpRequest request = from_httplib(req, scheme);
    bool chunked = req.get_header_value("Transfer-Encoding") == "chunked";
    if (req.has_header("Content-Length") || chunked) {
      bool ok = read([&request](const char* data, size_t n) {
        request.body.append(data, n);
        return true;
      });
      if (!ok) return;  // httplib set 413 or 400; the error handler renders it
    }
    to_httplib(frontend_.handle(request), res);
  };
  server_->Get(".*", handler);
  server_->Options(".*", handler);
  server_->Post(".*", with_body);
  server_->Put(".*", with_body);
  server_->Patch(".*", with_body);
  server_->Delete(".*", with_body);
  // Errors httplib answers itself get the protocol's JSON body too: a body
  // too large, a malformed request, or a method it does not route (TRACE),
  // which the frontend answers with 405 and Allow.
  long long limit = s.max_body_bytes;
  server_->set_error_handler(httplib::Server::HandlerWithResponse(
      [this, scheme, limit](const httplib::Request& req, httplib::Response& res) {
        if (res.has_header("X-Content-Type-Options")) {  // already ours
          return httplib::Server::HandlerResponse::Unhandled;
        }
        bool routed = req.method == "GET" || req.method == "HEAD" || req.method == "POST" ||
                      req.method == "PUT" || req.method == "PATCH" || req.method == "DELETE" ||
                      req.method == "OPTIONS";
        // A method it does not route, or a path its ".*" routes do not match (CR, LF).
        if (!req.method.empty() && (!routed || res.status == 404)) {
          to_httplib(frontend_.handle(from_httplib(req, scheme)), res);
          return httplib::Server::HandlerResponse::Handled;
        }
        Error e = res.status == 413 ? errors::too_large(static_cast<size_t>(limit))
                  : res.status >= 500 ? errors::internal()
                                      : errors::invalid("body", std::nullopt,
                                                        "Malformed HTTP request");
        e.status = res.status;
        to_httplib(frontend_.refuse(from_httplib(req, scheme), e), res);
        return httplib::Server::HandlerResponse::Handled;
      }));
}

HttpServer::~HttpServer() { stop(); }

int HttpServer::bind(const std::string& host, int port) {
  int bound = port;
  if (port == 0) {
    bound = server_->bind_to_any_port(host);
  } else if (!server_->bind_to_port(host, port)) {
    return -1;
  }
  // cpp-httplib listens with a backlog of 5; raise it (DEPENDENCIES.md §2b).
  if (bound > 0 && listen_fd_ >= 0) ::listen(listen_fd_, 1024);
  return bound;
}

bool HttpServer::run() { return server_->listen_after_bind(); }

void HttpServer::stop() {
  if (server_) server_->stop();
}

}  // namespace ratchet
