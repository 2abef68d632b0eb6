#include "bench/http_message.h"

#include <algorithm>
#include <charconv>
#include <cctype>

namespace bench {
namespace {

constexpr size_t kMaxHead = 64 * 1024;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string Request::serialize(const std::string& host, const std::string& authorization) const {
  std::string out;
  out.reserve(160 + target.size() + body.size());
  out += method;
  out += ' ';
  out += target;
  out += " HTTP/1.1\r\nHost: ";
  out += host;
  out += "\r\nUser-Agent: ratchet-bench\r\nAccept: application/json\r\n";
  if (!authorization.empty()) {
    out += "Authorization: ";
    out += authorization;
    out += "\r\n";
  }
  for (const auto& [name, value] : headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    if (!body.empty()) out += "Content-Type: application/json\r\n";
    out += "Content-Length: ";
    out += std::to_string(body.size());
    out += "\r\n";
  }
  out += "\r\n";
  out += body;
  return out;
}

std::string Response::header(std::string_view name) const {
  std::string key = lower(name);
  for (const auto& [k, v] : headers)
    if (k == key) return v;
  return "";
}

void ResponseParser::reset(std::string_view method) {
  phase_ = Phase::head;
  state_ = State::incomplete;
  head_request_ = method == "HEAD";
  line_buffer_.clear();
  head_.clear();
  remaining_ = 0;
  bytes_ = 0;
  response_ = Response{};
  error_.clear();
}

void ResponseParser::fail(const std::string& why) {
  state_ = State::error;
  error_ = why;
}

size_t ResponseParser::feed_head(std::string_view data) {
  // The head ends at the first empty line; it may arrive in pieces.
  size_t old = head_.size();
  head_.append(data);
  size_t end = head_.find("\r\n\r\n", old >= 3 ? old - 3 : 0);
  if (end == std::string::npos) {
    if (head_.size() > kMaxHead) fail("response head larger than 64 KiB");
    return data.size();
  }
  size_t used = end + 4 - old;
  head_.resize(end + 2);
  head_done();
  return used;
}

void ResponseParser::head_done() {
  size_t eol = head_.find("\r\n");
  std::string_view status_line(head_.data(), eol);
  if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12)
    return fail("not an HTTP/1.x status line: '" + std::string(status_line.substr(0, 60)) + "'");
  int status = 0;
  auto [p, ec] = std::from_chars(status_line.data() + 9, status_line.data() + 12, status);
  if (ec != std::errc() || p != status_line.data() + 12 || status < 100 || status > 999)
    return fail("bad status line: '" + std::string(status_line.substr(0, 60)) + "'");
  response_.status = status;
  bool http10 = status_line.rfind("HTTP/1.0", 0) == 0;
  bool chunked = false;
  bool has_length = false;
  uint64_t length = 0;
  size_t pos = eol + 2;
  while (pos < head_.size()) {
    size_t next = head_.find("\r\n", pos);
    std::string_view line(head_.data() + pos, next - pos);
    pos = next + 2;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return fail("malformed header line");
    std::string name = lower(trim(line.substr(0, colon)));
    std::string value(trim(line.substr(colon + 1)));
    if (name == "content-length") {
      auto [q, e] = std::from_chars(value.data(), value.data() + value.size(), length);
      if (e != std::errc() || q != value.data() + value.size()) return fail("bad Content-Length");
      has_length = true;
    } else if (name == "transfer-encoding") {
      chunked = lower(value).find("chunked") != std::string::npos;
    } else if (name == "connection") {
      std::string v = lower(value);
      if (v.find("close") != std::string::npos) response_.close = true;
      if (v.find("keep-alive") != std::string::npos) http10 = false;
    }
    response_.headers.emplace_back(std::move(name), std::move(value));
  }
  if (http10) response_.close = true;
  bool bodiless = head_request_ || status < 200 || status == 204 || status == 304;
  if (bodiless) {
    phase_ = Phase::done;
  } else if (chunked) {
    phase_ = Phase::chunk_size;
  } else if (has_length) {
    remaining_ = length;
    response_.body.reserve(length);
    phase_ = length == 0 ? Phase::done : Phase::body_length;
  } else {
    response_.close = true;
    phase_ = Phase::body_close;
  }
  if (phase_ == Phase::done) state_ = State::complete;
}

size_t ResponseParser::feed(std::string_view data) {
  size_t used = 0;
  while (state_ == State::incomplete && used < data.size()) {
    std::string_view rest = data.substr(used);
    switch (phase_) {
      case Phase::head:
        used += feed_head(rest);
        break;
      case Phase::body_length: {
        size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, rest.size()));
        response_.body.append(rest.substr(0, n));
        remaining_ -= n;
        used += n;
        if (remaining_ == 0) {
          phase_ = Phase::done;
          state_ = State::complete;
        }
        break;
      }
      case Phase::body_close:
        response_.body.append(rest);
        used += rest.size();
        break;
      case Phase::chunk_size:
      case Phase::chunk_crlf:
      case Phase::trailer: {
        size_t nl = rest.find('\n');
        if (nl == std::string_view::npos) {
          line_buffer_.append(rest);
          used += rest.size();
          if (line_buffer_.size() > 1024) fail("chunk line too long");
          break;
        }
        line_buffer_.append(rest.substr(0, nl));
        used += nl + 1;
        std::string line(trim(line_buffer_));
        line_buffer_.clear();
        if (phase_ == Phase::chunk_crlf) {
          if (!line.empty()) return fail("missing CRLF after a chunk"), used;
          phase_ = Phase::chunk_size;
        } else if (phase_ == Phase::trailer) {
          if (line.empty()) {
            phase_ = Phase::done;
            state_ = State::complete;
          }
        } else {
          uint64_t size = 0;
          size_t semi = line.find(';');
          std::string hex = line.substr(0, semi);
          auto [p, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), size, 16);
          if (hex.empty() || ec != std::errc() || p != hex.data() + hex.size())
            return fail("bad chunk size '" + hex.substr(0, 20) + "'"), used;
          remaining_ = size;
          phase_ = size == 0 ? Phase::trailer : Phase::chunk_data;
        }
        break;
      }
      case Phase::chunk_data: {
        size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, rest.size()));
        response_.body.append(rest.substr(0, n));
        remaining_ -= n;
        used += n;
        if (remaining_ == 0) phase_ = Phase::chunk_crlf;
        break;
      }
      case Phase::done:
        state_ = State::complete;
        break;
    }
  }
  bytes_ += used;
  return used;
}

void ResponseParser::finish() {
  if (state_ != State::incomplete) return;
  if (phase_ == Phase::body_close) {
    phase_ = Phase::done;
    state_ = State::complete;
  } else {
    fail(phase_ == Phase::head && head_.empty() ? "connection closed before any response"
                                                : "connection closed in the middle of a response");
  }
}

}  // namespace bench
