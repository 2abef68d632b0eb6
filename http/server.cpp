#include "http/server.h"

#include <httplib.h>

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
    : node_(node),
      frontend_(node),
      scheme_(node.settings().http_scheme.empty() ? "http" : node.settings().http_scheme),
      listener_(node.settings().http_threads, node.settings().http_keepalive_seconds,
                static_cast<size_t>(node.settings().max_body_bytes),
                [this](const httplib::Request& req, const std::string& body,
                       httplib::Response& res) {
                  HttpRequest request = from_httplib(req, scheme_);
                  request.body = body;
                  to_httplib(frontend_.handle(request), res);
                }) {
  // Errors httplib answers itself get the protocol's JSON body too: a body
  // too large, a malformed request, or a method it does not route (TRACE),
  // which the frontend answers with 405 and Allow.
  long long limit = node.settings().max_body_bytes;
  listener_.server().set_error_handler(httplib::Server::HandlerWithResponse(
      [this, limit](const httplib::Request& req, httplib::Response& res) {
        if (res.has_header("X-Content-Type-Options")) {  // already ours
          return httplib::Server::HandlerResponse::Unhandled;
        }
        bool routed = req.method == "GET" || req.method == "HEAD" || req.method == "POST" ||
                      req.method == "PUT" || req.method == "PATCH" || req.method == "DELETE" ||
                      req.method == "OPTIONS";
        // A method it does not route, or a path its ".*" routes do not match (CR, LF).
        if (!req.method.empty() && (!routed || res.status == 404)) {
          to_httplib(frontend_.handle(from_httplib(req, scheme_)), res);
          return httplib::Server::HandlerResponse::Handled;
        }
        Error e = res.status == 413 ? errors::too_large(static_cast<size_t>(limit))
                  : res.status >= 500 ? errors::internal()
                                      : errors::invalid("body", std::nullopt,
                                                        "Malformed HTTP request");
        e.status = res.status;
        to_httplib(frontend_.refuse(from_httplib(req, scheme_), e), res);
        return httplib::Server::HandlerResponse::Handled;
      }));
}

int HttpServer::bind(const std::string& host, int port) { return listener_.bind(host, port); }

bool HttpServer::run() { return listener_.run(); }

void HttpServer::stop() { listener_.stop(); }

}  // namespace ratchet
