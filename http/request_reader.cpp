#include "http/request_reader.h"

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <algorithm>

namespace ratchet {
namespace beast_http = boost::beast::http;

struct RequestReader::Parser {
  beast_http::request_parser<beast_http::string_body> http;
};

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// uri-host [":" port] (RFC 9110 §7.2): no space, delimiter or control byte.
bool valid_host(std::string_view host) {
  return !host.empty() && std::none_of(host.begin(), host.end(), [](unsigned char c) {
    return c <= ' ' || c >= 0x7f || std::string_view("/?#@\"<>\\{}|^`").find(c) != std::string_view::npos;
  });
}

// RFC 9112 §6.1: the request's transfer codings; "chunked" must be the last
// (else 400); any other coding is one this server does not implement (501).
int transfer_coding_refusal(std::string_view value) {
  std::vector<std::string> codings;
  size_t start = 0;
  while (start <= value.size()) {
    size_t end = std::min(value.find(',', start), value.size());
    std::string_view item = trim(value.substr(start, end - start));
    if (!item.empty()) codings.push_back(lower(item.substr(0, item.find(';'))));
    start = end + 1;
  }
  if (codings.empty() || codings.back() != "chunked") return 400;
  if (codings.size() > 1) return 501;
  return 0;
}

// The authority of an absolute-form target ("http://host:port/path?q").
std::string_view authority(std::string_view target) {
  target.remove_prefix(target.find("//") + 2);
  return target.substr(0, std::min(target.find_first_of("/?"), target.size()));
}

int status_of(const boost::system::error_code& ec) {
  if (ec == beast_http::error::header_limit) return 431;
  if (ec == beast_http::error::body_limit) return 413;
  return 400;
}

}  // namespace

RequestReader::RequestReader(const RequestLimits& limits) : limits_(limits) { start(); }

RequestReader::~RequestReader() = default;

void RequestReader::start() {
  parser_ = std::make_unique<Parser>();
  auto& p = parser_->http;
  p.header_limit(static_cast<std::uint32_t>(limits_.max_header_bytes));
  p.body_limit(limits_.max_body_bytes);
  p.eager(false);
  started_ = false;
  head_checked_ = false;
  head_bytes_ = 0;
}

size_t RequestReader::feed(std::string_view bytes) {
  if (refusal_ || done()) return 0;
  auto& p = parser_->http;
  size_t used = 0;
  if (!started_) {  // RFC 9112 §2.2: empty lines before a request are ignored
    while (used < bytes.size() && (bytes[used] == '\r' || bytes[used] == '\n')) ++used;
    started_ = used < bytes.size();
  }
  while (used < bytes.size() && !p.is_done()) {
    boost::system::error_code ec;
    size_t n = p.put(boost::asio::const_buffer(bytes.data() + used, bytes.size() - used), ec);
    used += n;
    if (!head_checked_) head_bytes_ += n;
    if (ec == beast_http::error::need_more) break;
    if (ec) {
      refuse(status_of(ec));
      break;
    }
    if (p.is_header_done() && !head_checked_) {
      check_head();
      if (refusal_) break;
      p.eager(true);  // the body in as few steps as the bytes allow
      break;          // give the caller its chance to answer Expect
    }
  }
  return used;
}

void RequestReader::check_head() {
  head_checked_ = true;
  // Beast may hold the request line and the fields to the limit each on
  // its own; the limit is on the whole head.
  if (head_bytes_ > limits_.max_header_bytes) return refuse(431);
  const auto& req = parser_->http.get();
  size_t fields = std::distance(req.begin(), req.end());
  if (fields > limits_.max_header_fields) return refuse(431);
  // RFC 9112 §3.2: HTTP/1.1 has exactly one valid Host.
  size_t hosts = req.count(beast_http::field::host);
  if (hosts > 1 || (req.version() == 11 && hosts == 0)) return refuse(400);
  if (hosts == 1 && !valid_host(req[beast_http::field::host])) return refuse(400);
  auto te = req.find(beast_http::field::transfer_encoding);
  if (te != req.end()) {
    if (int status = transfer_coding_refusal(te->value())) return refuse(status);
  }
  std::string_view target = req.target();
  if (target.size() > kMaxTargetBytes) return refuse(414);
  bool origin_form = !target.empty() && target.front() == '/';
  bool absolute_form = target.rfind("http://", 0) == 0 || target.rfind("https://", 0) == 0;
  if (!origin_form && !absolute_form) return refuse(400);
  if (absolute_form && !valid_host(authority(target))) return refuse(400);
}

bool RequestReader::head_done() const { return head_checked_ && !refusal_; }

bool RequestReader::expects_continue() const {
  if (!head_done()) return false;
  const auto& req = parser_->http.get();
  auto expect = req.find(beast_http::field::expect);
  return req.version() == 11 && expect != req.end() &&
         lower(trim(expect->value())) == "100-continue" && !parser_->http.is_done();
}

bool RequestReader::done() const { return head_done() && parser_->http.is_done(); }

size_t RequestReader::body_bound() const {
  if (!head_done()) return 0;
  if (auto length = parser_->http.content_length()) return static_cast<size_t>(*length);
  return parser_->http.chunked() ? limits_.max_body_bytes : 0;
}

HttpRequest RequestReader::partial() const {
  HttpRequest r;
  if (!parser_->http.is_header_done()) return r;
  const auto& req = parser_->http.get();
  r.method = std::string(req.method_string());
  std::string_view target = req.target();
  r.path = std::string(target.substr(0, target.find('?')));
  return r;
}

HttpRequest RequestReader::take(const std::string& scheme, const std::string& fallback_host) {
  auto& req = parser_->http.get();
  HttpRequest r;
  r.method = std::string(req.method_string());
  std::string_view target = req.target();
  std::string host;
  if (target.front() != '/') {  // absolute-form: its authority is the host
    std::string_view a = authority(target);
    host = std::string(a);
    target.remove_prefix(a.data() + a.size() - target.data());
  }
  size_t q = target.find('?');
  std::string path(target.substr(0, q));
  r.path = httplib::detail::decode_url(path.empty() ? "/" : path, false);
  if (q != std::string_view::npos) r.query = std::string(target.substr(q + 1));
  r.params = parse_query(r.query);
  for (const auto& field : req) {
    r.headers.emplace(std::string(field.name_string()), std::string(field.value()));
  }
  if (host.empty()) host = r.header("Host");
  if (host.empty()) host = fallback_host;
  r.origin = scheme + "://" + host;
  r.body = std::move(req.body());
  keep_alive_ = req.keep_alive();
  http11_ = req.version() == 11;
  start();
  return r;
}

}  // namespace ratchet
