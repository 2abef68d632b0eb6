// A real ratchet node and HTTP server on an ephemeral loopback port, and a
// small client for tests that speak HTTP to it.
#pragma once

#include <httplib.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "actors/node.h"
#include "ratchet/json.h"
#include "ratchet/registry.h"
#include "ratchet/settings.h"
#include "http/server.h"
#include "tests/temp_dir.h"

namespace ratchet::testing {

struct Reply {
  int status = 0;
  httplib::Headers headers;
  std::string body;

  Json json() const { return Json::parse(body); }
  std::string header(const std::string& name) const;
  bool has_header(const std::string& name) const { return headers.count(name) > 0; }
};

class TestServer {
 public:
  // `configure` may change settings (and add resources) before the node
  // starts. The engine is "memory" unless the settings say otherwise; a
  // rocksdb engine lives in a temporary directory.
  explicit TestServer(std::function<void(Settings&, Registry&)> configure = {});
  ~TestServer();

  int port() const { return port_; }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }
  Node& node() { return *node_; }
  HttpServer& server() { return *server_; }

  // One request; `auth` is a user name ("" for anonymous) whose password is
  // "secret". A non-empty body is sent as application/json unless headers
  // say otherwise.
  Reply request(const std::string& method, const std::string& path,
                const std::string& body = "", const std::string& auth = "",
                httplib::Headers headers = {});
  Reply get(const std::string& path, const std::string& auth = "") {
    return request("GET", path, "", auth);
  }

  // The user id basicauth gives `user` (password "secret").
  std::string user_id(const std::string& user) const;

 private:
  TempDir dir_;
  Registry registry_;
  Settings settings_;
  std::unique_ptr<Node> node_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  int port_ = 0;
};

// "Basic base64(user:password)".
std::string basic_auth(const std::string& user, const std::string& password = "secret");

}  // namespace ratchet::testing
