#include "bench/connection.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace bench {

bool resolve(const Url& url, Endpoint* endpoint, std::string* error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::string port = std::to_string(url.port);
  int rc = getaddrinfo(url.host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0 || !found) {
    if (error) *error = "cannot resolve host '" + url.host + "': " + gai_strerror(rc);
    return false;
  }
  std::memcpy(&endpoint->address, found->ai_addr, found->ai_addrlen);
  endpoint->length = found->ai_addrlen;
  endpoint->authority = url.authority();
  freeaddrinfo(found);
  return true;
}

bool Connection::open() {
  fd_ = ::socket(endpoint_.address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    fail("connect", std::string("cannot create a socket: ") + std::strerror(errno));
    return false;
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  served_ = 0;
  int rc = ::connect(fd_, reinterpret_cast<const sockaddr*>(&endpoint_.address), endpoint_.length);
  if (rc == 0) {
    connecting_ = false;
  } else if (errno == EINPROGRESS) {
    connecting_ = true;
  } else {
    fail("connect", "cannot connect to " + endpoint_.authority + ": " + std::strerror(errno));
    return false;
  }
  return true;
}

void Connection::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  connecting_ = false;
}

Connection::Status Connection::fail(const std::string& kind, const std::string& message) {
  error_kind_ = kind;
  error_ = message;
  close();
  return Status::failed;
}

void Connection::time_out(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", seconds);
  fail("timeout", std::string("no response within ") + text + " s");
  stale_ = false;
}

Connection::Status Connection::send(std::string bytes, std::string_view method) {
  out_ = std::move(bytes);
  written_ = 0;
  stale_ = false;
  error_.clear();
  error_kind_.clear();
  parser_.reset(method);
  if (fd_ < 0 && !open()) return Status::failed;
  if (connecting_) return Status::busy;
  return write_some();
}

Connection::Status Connection::write_some() {
  while (written_ < out_.size()) {
    ssize_t n = ::send(fd_, out_.data() + written_, out_.size() - written_, MSG_NOSIGNAL);
    if (n > 0) {
      written_ += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Status::busy;
    bool reused = served_ > 0;
    Status s = fail("reset", std::string("cannot send the request: ") + std::strerror(errno));
    stale_ = reused;
    return s;
  }
  return Status::busy;
}

Connection::Status Connection::read_some() {
  char buffer[65536];
  for (;;) {
    ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n > 0) {
      parser_.feed(std::string_view(buffer, static_cast<size_t>(n)));
    } else if (n == 0) {
      parser_.finish();
    } else if (errno == EINTR) {
      continue;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      return Status::busy;
    } else {
      bool nothing = parser_.bytes() == 0 && served_ > 0;
      Status s = fail("reset", std::string("connection reset by the server: ") + std::strerror(errno));
      stale_ = nothing;
      return s;
    }
    if (parser_.state() == ResponseParser::State::complete) {
      ++served_;
      if (parser_.response().close || n == 0) close();
      return Status::done;
    }
    if (parser_.state() == ResponseParser::State::error) {
      bool nothing = parser_.bytes() == 0 && served_ > 0 && n == 0;
      Status s = fail(n == 0 ? "closed" : "bad response",
                      (n == 0 ? "" : "bad response: ") + parser_.error());
      stale_ = nothing;
      return s;
    }
  }
}

Connection::Status Connection::on_ready() {
  if (fd_ < 0) return fail("closed", "connection closed");
  if (connecting_) {
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err == EINPROGRESS) return Status::busy;
    if (err != 0)
      return fail("connect", "cannot connect to " + endpoint_.authority + ": " + std::strerror(err));
    connecting_ = false;
  }
  if (written_ < out_.size()) {
    Status s = write_some();
    if (s != Status::busy || written_ < out_.size()) return s;
  }
  return read_some();
}

}  // namespace bench
