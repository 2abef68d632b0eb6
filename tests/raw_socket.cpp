#include "tests/raw_socket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <stdexcept>

namespace ratchet::testing {
namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;

std::string RawResponse::header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
  }
  return "";
}

RawSocket::RawSocket(int port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (fd_ >= 0) ::close(fd_);
    throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
  }
}

RawSocket::~RawSocket() { ::close(fd_); }

bool RawSocket::send(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool RawSocket::read_more(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  pollfd p{fd_, POLLIN, 0};
  if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
  char buf[65536];
  ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
  if (n <= 0) return false;
  pending_.append(buf, static_cast<size_t>(n));
  return true;
}

std::optional<RawResponse> RawSocket::response(std::chrono::milliseconds timeout, bool to_head) {
  auto deadline = Clock::now() + timeout;
  http::response_parser<http::string_body> parser;
  parser.skip(to_head);
  parser.body_limit(boost::none);
  parser.eager(true);
  while (true) {
    boost::system::error_code ec;
    size_t used = pending_.empty() ? 0 : parser.put(boost::asio::buffer(pending_), ec);
    pending_.erase(0, used);
    if (ec && ec != http::error::need_more) return std::nullopt;
    if (parser.is_done()) break;
    if (!read_more(deadline)) return std::nullopt;
  }
  const auto& m = parser.get();
  RawResponse r;
  r.status = static_cast<int>(m.result_int());
  r.version = static_cast<int>(m.version());
  for (const auto& f : m) r.headers.emplace(std::string(f.name_string()), std::string(f.value()));
  r.body = m.body();
  return r;
}

bool RawSocket::closed_within(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(std::max<int64_t>(1, left.count()))) <= 0) return false;
    char buf[65536];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return true;
  }
  return false;
}

}  // namespace ratchet::testing
