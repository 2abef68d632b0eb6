#include "tests/test_server.h"

#include <stdlib.h>

#include <filesystem>

#include "core/crypto.h"
#include "plugins/accounts/accounts.h"
#include "plugins/admin/admin.h"
#include "plugins/default_bucket/default_bucket.h"
#include "plugins/history/history.h"
#include "plugins/schema/schema_validation.h"
#include "store/engine.h"

namespace ratchet::testing {

std::string Reply::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

std::string basic_auth(const std::string& user, const std::string& password) {
  return "Basic " + base64_encode(user + ":" + password);
}

TestServer::TestServer(std::function<void(Settings&, Registry&)> configure) {
  add_kinto_resources(registry_);
  registry_.offer(accounts_plugin());
  registry_.offer(default_bucket_plugin());
  registry_.offer(schema_validation_plugin());
  registry_.offer(history_plugin());
  registry_.offer(admin_plugin());
  settings_.storage_backend = "memory";
  settings_.storage_path = dir_.path() + "/data";
  settings_.userid_hmac_secret = "test-secret";
  settings_.http_threads = 32;
  if (configure) configure(settings_, registry_);
  registry_.include_plugins(settings_);
  node_ = std::make_unique<Node>(registry_, settings_,
                                 open_engine(settings_.storage_backend, settings_.storage_path));
  server_ = std::make_unique<HttpServer>(*node_);
  port_ = server_->bind("127.0.0.1", 0);
  if (port_ <= 0) throw std::runtime_error("cannot bind a test port");
  thread_ = std::thread([this] { server_->run(); });
}

TestServer::~TestServer() {
  server_->stop();
  thread_.join();
  server_.reset();
  node_.reset();
}

Reply TestServer::request(const std::string& method, const std::string& path,
                          const std::string& body, const std::string& auth,
                          httplib::Headers headers) {
  httplib::Client client("127.0.0.1", port_);
  client.set_read_timeout(30);
  if (!auth.empty()) headers.emplace("Authorization", basic_auth(auth));
  httplib::Request req;
  req.method = method;
  req.path = path;
  req.headers = std::move(headers);
  if (!body.empty()) {
    req.body = body;
    if (!req.has_header("Content-Type")) req.set_header("Content-Type", "application/json");
  }
  auto res = client.send(req);
  Reply reply;
  if (!res) throw std::runtime_error("request failed: " + httplib::to_string(res.error()));
  reply.status = res->status;
  reply.headers = res->headers;
  reply.body = res->body;
  return reply;
}

std::string TestServer::user_id(const std::string& user) const {
  return "basicauth:" + hmac_sha256_hex(settings_.userid_hmac_secret, user + ":secret");
}

}  // namespace ratchet::testing
