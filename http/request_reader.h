// Reads HTTP/1.x requests from a connection's bytes, one at a time, under
// limits (RFC 9112): malformed framing, a bad request line or Host,
// conflicting or non-numeric Content-Length, and a Transfer-Encoding that
// does not end in chunked are 400; a target over kMaxTargetBytes 414; an
// unknown coding before chunked 501; a head over max_header_bytes or
// max_header_fields 431; a body
// over max_body_bytes 413, however it is framed, found before the body is
// read past the limit. Only HTTP/1.0 and 1.1 parse. A refusal ends the
// connection: what follows it on the wire cannot be trusted.
//
// Not thread-safe: one connection owns one reader.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "http/message.h"

namespace ratchet {

struct RequestLimits {
  size_t max_body_bytes = 8 * 1024 * 1024;
  size_t max_header_bytes = 64 * 1024;  // request line and fields
  size_t max_header_fields = 256;
};

class RequestReader {
 public:
  explicit RequestReader(const RequestLimits& limits);
  ~RequestReader();
  RequestReader(const RequestReader&) = delete;
  RequestReader& operator=(const RequestReader&) = delete;

  // Parses what it can of `bytes` and returns how many it consumed; the
  // rest must be given again with more bytes after it. Stops after the head
  // (so that the caller can answer `Expect: 100-continue`) and after a
  // complete request (so that a pipelined next one waits its turn).
  size_t feed(std::string_view bytes);

  // Some bytes of the current request have been consumed.
  bool started() const { return started_; }
  // The head is complete and accepted; the body may still be coming.
  bool head_done() const;
  // Once the head is done: the most bytes its body can have (its
  // Content-Length; max_body_bytes when chunked; 0 without a body).
  size_t body_bound() const;
  // The client waits for "100 Continue" before it sends the body.
  bool expects_continue() const;
  // The request is complete: take() it.
  bool done() const;
  // 0, or the status the request is refused with.
  int refusal() const { return refusal_; }
  // The method and target of the current request, when its head was read
  // (for the refusal's log line).
  HttpRequest partial() const;

  // The complete request; `scheme` and `fallback_host` (the local address,
  // for an HTTP/1.0 request without Host) make its origin. The reader is
  // then ready for the next request.
  HttpRequest take(const std::string& scheme, const std::string& fallback_host);
  // Whether the connection may carry another request after the one last
  // taken (HTTP/1.1 unless "Connection: close"; HTTP/1.0 with keep-alive).
  bool keep_alive() const { return keep_alive_; }
  // Whether the request last taken was HTTP/1.1 (else 1.0).
  bool http11() const { return http11_; }

 private:
  struct Parser;

  void start();
  void check_head();
  void refuse(int status) { refusal_ = status; }

  const RequestLimits limits_;
  std::unique_ptr<Parser> parser_;
  bool started_ = false;
  bool head_checked_ = false;
  size_t head_bytes_ = 0;  // of the current request's head, consumed so far
  int refusal_ = 0;
  bool keep_alive_ = false;
  bool http11_ = true;
};

}  // namespace ratchet
