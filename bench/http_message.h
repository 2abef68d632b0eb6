// HTTP/1.1 messages as the load generator sees them: a Request it serializes
// and a Response it parses incrementally from a keep-alive connection.
//
// Thread-safety: plain values; a ResponseParser belongs to one connection.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bench {

struct Request {
  std::string method = "GET";
  std::string target;  // path and query, e.g. "/v1/buckets?_limit=10"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;    // sent with Content-Type: application/json when non-empty

  // The bytes on the wire. `host` is the Host header; `authorization` is
  // added when non-empty.
  std::string serialize(const std::string& host, const std::string& authorization) const;
};

struct Response {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  bool close = false;  // the server will close the connection after it

  // The first value of header `name` (case-insensitive), or "".
  std::string header(std::string_view name) const;
};

// Feeds bytes until a whole response has arrived. Handles Content-Length,
// chunked transfer coding, bodiless statuses (1xx, 204, 304), HEAD and
// bodies delimited by the end of the connection.
class ResponseParser {
 public:
  enum class State { incomplete, complete, error };

  // Prepares for the response to a request of `method`.
  void reset(std::string_view method);
  // Consumes what it can of `data`; returns how many bytes it used (the
  // rest belongs to a later response).
  size_t feed(std::string_view data);
  // The peer closed the connection: completes a close-delimited body.
  void finish();

  State state() const { return state_; }
  const std::string& error() const { return error_; }
  Response& response() { return response_; }
  // Bytes seen since reset(), headers included.
  uint64_t bytes() const { return bytes_; }

 private:
  enum class Phase { head, body_length, chunk_size, chunk_data, chunk_crlf, trailer, body_close, done };
  void fail(const std::string& why);
  void head_done();
  size_t feed_head(std::string_view data);

  Phase phase_ = Phase::head;
  State state_ = State::incomplete;
  bool head_request_ = false;
  std::string line_buffer_;
  std::string head_;
  uint64_t remaining_ = 0;
  uint64_t bytes_ = 0;
  Response response_;
  std::string error_;
};

}  // namespace bench
