// The server a benchmark talks to, parsed from a URL such as
// "http://127.0.0.1:8888/v1". Only plain http is supported. A cluster is a
// comma-separated list of such URLs, one per node.
//
// Invariant: a parsed Url has a non-empty host, a port in 1..65535, and a
// base path that starts with "/" and does not end with "/" (empty for "/").
// The URLs of a parsed list are at least one and share one base path.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace bench {

struct Url {
  std::string host;
  int port = 80;
  std::string base;  // "/v1"

  // "host:port", for the Host header and messages.
  std::string authority() const { return host + ":" + std::to_string(port); }
  std::string str() const { return "http://" + authority() + base; }
  // `path` ("/buckets") under the base path: "/v1/buckets".
  std::string target(const std::string& path) const { return base + path; }
};

// Parses `text`; on failure returns nullopt and sets `error` to a sentence
// naming the problem.
std::optional<Url> parse_url(const std::string& text, std::string* error);

// Parses "http://a:1/v1,http://b:2/v1"; one URL alone is a list of one. On
// failure returns nullopt and sets `error` as parse_url does.
std::optional<std::vector<Url>> parse_url_list(const std::string& text, std::string* error);

// The list for a report: "http://a:1/v1", or "http://a:1/v1 + 2 more".
std::string describe(const std::vector<Url>& urls);

// The request target (path and query) of an absolute URL on the same server,
// as found in a Next-Page header; nullopt if it names another server.
std::optional<std::string> same_server_target(const Url& url, const std::string& absolute);

}  // namespace bench
