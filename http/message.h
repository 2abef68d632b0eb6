// An HTTP exchange independent of the socket server, so that batch
// sub-requests (PROTOCOL.md §8) go through exactly the same handling as
// top-level requests.
#pragma once

#include <httplib.h>

#include <string>
#include <utility>
#include <vector>

#include "ratchet/error.h"

namespace ratchet {

using Headers = httplib::Headers;  // case-insensitive multimap

struct HttpRequest {
  std::string method;
  std::string path;   // percent-decoded, without the query string
  std::string query;  // raw query string as sent, without '?'
  std::vector<std::pair<std::string, std::string>> params;  // decoded, in order
  Headers headers;
  std::string body;
  std::string origin;  // "http://host:port": base of absolute URLs
  bool from_loopback = false;  // the client connected from a loopback address

  std::string header(const std::string& name) const;
  bool has_header(const std::string& name) const { return headers.count(name) > 0; }
};

struct HttpResponse {
  int status = 200;
  int errno_ = 0;  // Kinto errno of an error response, for the request log
  Headers headers;
  std::string body;

  void set_header(const std::string& name, std::string value);
  static HttpResponse of(const Error& error);
};

// The media type of a Content-Type or Accept item, lower-cased, without
// parameters: " Application/JSON; charset=utf-8" -> "application/json".
std::string media_type(const std::string& header);

// The items of a comma-separated header, without surrounding blanks; empty
// items are skipped.
std::vector<std::string> header_list(const std::string& value);

// Splits and decodes a raw query string ("a=1&b=%20x").
std::vector<std::pair<std::string, std::string>> parse_query(const std::string& query);

// Percent-encodes a query parameter value.
std::string encode_query_value(const std::string& value);

// Percent-encodes a decoded path for a URL (Location, Next-Page): every byte
// but unreserved ones, sub-delims, ':', '@' and '/'.
std::string encode_path(const std::string& path);

// The longest request target (path and query string) read, and the longest
// batch sub-request path: gunicorn's request-line limit in front of Kinto is
// 4 KiB, browsers and proxies commonly allow 8 KiB.
inline constexpr size_t kMaxTargetBytes = 8192;

}  // namespace ratchet
