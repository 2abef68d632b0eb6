// Fuzzes the HTTP/1.x request head and framing (http/request_reader.h): a
// connection's bytes fed to RequestReader as http/connection.cpp does, in
// fuzzer-chosen pieces, taking each complete request. Checks the reader's
// contract at every step, and that the pieces change nothing: the same
// bytes at once give the same requests, and a refusal unless the bytes end
// inside the refused request.
//
// Input: one byte (bits 0-2: how many piece sizes follow; bits 3-4: which
// limits), the piece sizes (each byte n: a piece of n+1 bytes, repeated in
// turn), then the bytes of the connection.
#include <charconv>
#include <string>
#include <vector>

#include "fuzz/fuzz_input.h"
#include "http/request_reader.h"

namespace ratchet {
namespace {

RequestLimits limits_of(uint8_t profile) {
  RequestLimits limits;
  if (profile & 1) limits.max_body_bytes = 16;
  if (profile & 2) {
    limits.max_header_bytes = 200;
    limits.max_header_fields = 4;
  }
  return limits;
}

struct Taken {
  HttpRequest request;
  bool keep_alive;
  bool http11;

  bool operator==(const Taken& o) const {
    const HttpRequest& a = request;
    const HttpRequest& b = o.request;
    return a.method == b.method && a.path == b.path && a.query == b.query &&
           a.params == b.params && a.headers == b.headers && a.body == b.body &&
           a.origin == b.origin && keep_alive == o.keep_alive && http11 == o.http11;
  }
};

struct Outcome {
  std::vector<Taken> taken;
  int refusal = 0;
  bool pending = false;  // the bytes ended inside a request

  // Pieces change nothing but when a malformed request is seen: a start
  // line is checked as soon as it is whole, the rest of a head once all of
  // it is there, so the status may differ too (400 or 431).
  bool agrees(const Outcome& o) const {
    bool refused = refusal != 0, other_refused = o.refusal != 0;
    return taken == o.taken &&
           (refused == other_refused || (refused ? o.pending : pending));
  }
};

// Every value of a Content-Length ("5", or a list of the same value, "5, 5",
// RFC 9112 §6.3) is the body's length.
bool length_is(std::string_view value, size_t length) {
  while (true) {
    size_t comma = value.find(',');
    std::string_view item = value.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    size_t n = 0;
    auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), n);
    if (item.empty() || ec != std::errc() || end != item.data() + item.size() || n != length) {
      return false;
    }
    if (comma == std::string_view::npos) return true;
    value.remove_prefix(comma + 1);
  }
}

void check_taken(const HttpRequest& r, const RequestLimits& limits) {
  FUZZ_CHECK(!r.method.empty());
  FUZZ_CHECK(!r.path.empty());
  FUZZ_CHECK(r.origin.rfind("http://", 0) == 0);
  FUZZ_CHECK(r.body.size() <= limits.max_body_bytes);
  if (!r.has_header("Transfer-Encoding")) {
    auto [first, last] = r.headers.equal_range("Content-Length");
    for (auto it = first; it != last; ++it) FUZZ_CHECK(length_is(it->second, r.body.size()));
  }
}

// The state after a refusal: nothing more is consumed, nothing is ready.
void check_refused(RequestReader& reader, const std::string& buffer, int refusal) {
  FUZZ_CHECK(refusal == 400 || refusal == 413 || refusal == 414 || refusal == 431 ||
             refusal == 501);
  FUZZ_CHECK(!reader.head_done() && !reader.done() && !reader.expects_continue());
  FUZZ_CHECK(reader.feed(buffer) == 0);
  FUZZ_CHECK(reader.feed("GET / HTTP/1.1\r\nHost: a\r\n\r\n") == 0);
  FUZZ_CHECK(reader.refusal() == refusal);
  reader.partial();
}

// Feeds `wire` piece by piece (pieces of sizes[i]+1 bytes in turn; all at
// once without sizes), parsing what is buffered after each piece.
Outcome read(std::string_view wire, std::string_view sizes, const RequestLimits& limits) {
  RequestReader reader(limits);
  Outcome out;
  std::string buffer;
  size_t next = 0, piece = 0;
  while (true) {
    while (true) {
      bool was_done = reader.done();
      size_t n = reader.feed(buffer);
      FUZZ_CHECK(n <= buffer.size());
      FUZZ_CHECK(!was_done || n == 0);  // a complete request waits to be taken
      buffer.erase(0, n);
      if (int status = reader.refusal()) {
        check_refused(reader, buffer, status);
        out.refusal = status;
        return out;
      }
      FUZZ_CHECK(!reader.head_done() || reader.started());
      FUZZ_CHECK(!reader.expects_continue() || (reader.head_done() && !reader.done()));
      if (reader.done()) {
        FUZZ_CHECK(reader.head_done() && reader.feed(buffer) == 0);
        reader.partial();
        HttpRequest r = reader.take("http", "127.0.0.1:8888");
        check_taken(r, limits);
        FUZZ_CHECK(!reader.started() && !reader.head_done() && !reader.done());
        out.taken.push_back({std::move(r), reader.keep_alive(), reader.http11()});
        continue;
      }
      if (n == 0) break;
    }
    if (next == wire.size()) {
      out.pending = reader.started() || !buffer.empty();
      return out;
    }
    size_t size = sizes.empty() ? wire.size() : static_cast<uint8_t>(sizes[piece++ % sizes.size()]) + 1;
    size = std::min(size, wire.size() - next);
    buffer.append(wire.substr(next, size));
    next += size;
  }
}

}  // namespace
}  // namespace ratchet

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ratchet;
  std::string_view in = fuzz::text(data, size);
  uint8_t config = fuzz::take_byte(in);
  size_t count = std::min<size_t>(config & 7, in.size());
  std::string_view sizes = in.substr(0, count);
  in.remove_prefix(count);
  RequestLimits limits = limits_of(config >> 3);
  Outcome pieces = read(in, sizes, limits);
  FUZZ_CHECK(pieces.agrees(read(in, {}, limits)));
  return 0;
}
