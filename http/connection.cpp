#include "http/connection.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/status.hpp>

#include <strings.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <utility>
#include <vector>

#include "ratchet/error.h"
#include "core/timestamp.h"

namespace ratchet {
namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;

namespace {

constexpr size_t kReadChunk = 16 * 1024;
constexpr size_t kMaxLingerBytes = 1 << 20;  // read and dropped after a final answer
constexpr int kLingerSeconds = 2;

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The Date header's value, made at most once a second per thread.
const std::string& date_now() {
  thread_local std::time_t second = -1;
  thread_local std::string text;
  std::time_t now = std::time(nullptr);
  if (now != second) {
    second = now;
    text = http_date(static_cast<int64_t>(now) * 1000);
  }
  return text;
}

bool header_safe(const std::string& s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos;
}

bool framing_header(const std::string& name) {
  for (const char* own : {"Content-Length", "Transfer-Encoding", "Connection", "Date"}) {
    if (strcasecmp(name.c_str(), own) == 0) return true;
  }
  return false;
}

bool status_has_body(int status) { return status >= 200 && status != 204 && status != 304; }

// The status line and headers of an answer whose body has `length` bytes.
std::string head_of(const HttpResponse& r, bool keep_alive, bool http11, size_t length) {
  auto reason = boost::beast::http::obsolete_reason(boost::beast::http::int_to_status(r.status));
  std::string out;
  out.reserve(256 + r.headers.size() * 48);
  out.append(http11 ? "HTTP/1.1 " : "HTTP/1.0 ").append(std::to_string(r.status)).append(" ");
  out.append(reason.data(), reason.size()).append("\r\n");
  for (const auto& [name, value] : r.headers) {
    // Values the frontend copies from the request were checked on the way
    // in; this stops any CR or LF from splitting the answer all the same.
    if (framing_header(name) || !header_safe(name) || !header_safe(value)) continue;
    out.append(name).append(": ").append(value).append("\r\n");
  }
  out.append("Date: ").append(date_now()).append("\r\n");
  if (status_has_body(r.status)) {
    out.append("Content-Length: ").append(std::to_string(length)).append("\r\n");
  }
  if (!keep_alive && http11) out.append("Connection: close\r\n");
  if (keep_alive && !http11) out.append("Connection: keep-alive\r\n");
  out.append("\r\n");
  return out;
}

}  // namespace

ConnectionHub::ConnectionHub(const ListenerOptions& o, Listener::Handler h, Listener::Refusal r)
    : options(o),
      handler(std::move(h)),
      refusal(std::move(r)),
      budget(std::max(o.max_body_bytes_held, o.request.max_body_bytes)) {}

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, ConnectionHub& hub)
      : socket_(std::move(socket)),
        hub_(hub),
        reader_(hub.options.request),
        buffer_(hub.options.request.max_header_bytes + kReadChunk) {
    hub_.open++;
  }

  ~Connection() {
    hub_.budget.give_back(reserved_);
    if (registered_) {
      std::lock_guard<std::mutex> lock(hub_.mutex);
      hub_.live.erase(entry_);
    }
    hub_.open--;
  }

  void start() {
    {
      std::lock_guard<std::mutex> lock(hub_.mutex);
      entry_ = hub_.live.insert(hub_.live.end(), weak_from_this());
      registered_ = true;
    }
    error_code ec;
    socket_.set_option(tcp::no_delay(true), ec);
    auto local = socket_.local_endpoint(ec);
    if (!ec) fallback_host_ = local.address().to_string() + ":" + std::to_string(local.port());
    auto remote = socket_.remote_endpoint(ec);
    from_loopback_ = !ec && remote.address().is_loopback();
    set_phase(Phase::kIdle);
    read_more();
  }

  // Any thread.
  void expire_if_late(int64_t now) {
    int64_t deadline = deadline_.load(std::memory_order_relaxed);
    if (deadline == 0 || deadline > now || expiry_posted_.exchange(true)) return;
    net::post(socket_.get_executor(), [self = shared_from_this()] { self->on_deadline(); });
  }

  // Any thread.
  void drain() {
    net::post(socket_.get_executor(), [self = shared_from_this()] {
      if (self->phase_ == Phase::kBusy) {
        self->keep_alive_ = false;
      } else if (self->phase_ != Phase::kLinger) {
        self->close();
      }
    });
  }

  template <class F>
  void on_strand(F&& f) {
    net::dispatch(socket_.get_executor(), std::forward<F>(f));
  }

  // Writes the answer (on the strand), then reads the next request or ends.
  void answer(HttpResponse r) {
    if (phase_ != Phase::kBusy || answering_) return;
    answering_ = true;
    out_ = head_of(r, keep_alive_, http11_, r.body.size());
    if (!head_request_ && status_has_body(r.status)) out_ += r.body;
    set_deadline(steady_ms() + 1000 * hub_.options.body_timeout_seconds);
    net::async_write(socket_, net::buffer(out_),
                     [self = shared_from_this()](error_code ec, size_t) { self->on_written(ec); });
  }

 private:
  enum class Phase { kIdle, kHead, kBody, kBusy, kLinger, kClosed };

  void set_deadline(int64_t at) {
    deadline_local_ = at;
    deadline_.store(at, std::memory_order_relaxed);
  }

  void set_phase(Phase phase) {
    phase_ = phase;
    const ListenerOptions& o = hub_.options;
    int64_t now = steady_ms();
    switch (phase) {
      case Phase::kIdle:
        set_deadline(now + 1000 * (first_ ? o.header_timeout_seconds : o.keepalive_seconds));
        break;
      case Phase::kHead: set_deadline(now + 1000 * o.header_timeout_seconds); break;
      case Phase::kBody: set_deadline(now + 1000 * o.body_timeout_seconds); break;
      case Phase::kBusy: set_deadline(0); break;  // the handler's time is not the client's
      case Phase::kLinger: set_deadline(now + 1000 * kLingerSeconds); break;
      case Phase::kClosed: set_deadline(0); break;
    }
  }

  // Parses what is buffered; dispatches a complete request, or reads more.
  void next() {
    while (true) {
      const auto data = buffer_.data();
      size_t n = reader_.feed({static_cast<const char*>(data.data()), data.size()});
      buffer_.consume(n);
      if (int status = reader_.refusal()) return refuse(status);
      if (reader_.head_done() && phase_ != Phase::kBody) {
        set_phase(Phase::kBody);
        return reserve_body();
      }
      if (reader_.done()) return dispatch();
      if (reader_.started() && phase_ == Phase::kIdle) set_phase(Phase::kHead);
      if (n == 0) break;
    }
    if (buffer_.size() >= buffer_.max_size()) {
      return refuse(phase_ == Phase::kBody ? 400 : 431);
    }
    read_more();
  }

  void read_more() {
    auto space = buffer_.prepare(std::min(kReadChunk, buffer_.max_size() - buffer_.size()));
    socket_.async_read_some(space, [self = shared_from_this()](error_code ec, size_t n) {
      self->on_read(ec, n);
    });
  }

  void on_read(error_code ec, size_t n) {
    if (phase_ == Phase::kClosed) return;
    // Past the deadline, even a read that brought bytes ends the request.
    if (timed_out_) return refuse(408);
    if (ec) return close();
    buffer_.commit(n);
    next();
  }

  // The head is read: the body's size is taken from the hub's budget before
  // the body is read (body_budget.h). Without enough left, the connection
  // waits, no read pending, kept alive by `waiting_self_`, until bytes come
  // back or its deadline passes. Every caller holds a reference to the
  // connection: ending the wait never ends it under them.
  void reserve_body() {
    size_t need = reader_.body_bound();
    std::weak_ptr<Connection> weak = weak_from_this();
    auto wake = [weak] {
      if (auto self = weak.lock()) net::post(self->socket_.get_executor(), [self] {
        if (self->waiting_self_) self->reserve_body();
      });
    };
    if (need > 0 && !hub_.budget.take(need, std::move(wake))) {
      waiting_self_ = shared_from_this();
      return;
    }
    waiting_self_.reset();
    reserved_ = need;
    // A client that sent its body without waiting needs no interim answer.
    if (reader_.expects_continue() && buffer_.size() == 0) return send_continue();
    next();
  }

  void on_deadline() {
    expiry_posted_ = false;
    if (deadline_local_ == 0 || deadline_local_ > steady_ms()) return;
    if (waiting_self_) {  // waiting for the budget: no read is pending
      waiting_self_.reset();
      return refuse(408);
    }
    switch (phase_) {
      case Phase::kHead:
      case Phase::kBody:  // the pending read ends; on_read answers 408
        timed_out_ = true;
        set_deadline(0);
        socket_.cancel();
        break;
      default: close();
    }
  }

  void send_continue() {
    static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    net::async_write(socket_, net::buffer(kContinue),
                     [self = shared_from_this()](error_code ec, size_t) {
                       if (self->phase_ == Phase::kClosed) return;
                       if (ec) return self->close();
                       self->next();
                     });
  }

  void dispatch();

  void refuse(int status) {
    HttpResponse r = hub_.refusal(reader_.partial(), status);
    keep_alive_ = false;
    head_request_ = false;
    http11_ = true;
    set_phase(Phase::kBusy);
    answer(std::move(r));
  }

  // The answer is written: the next request, or the end.
  void on_written(error_code ec) {
    if (phase_ == Phase::kClosed) return;
    if (ec) return close();
    answering_ = false;
    out_.clear();
    hub_.budget.give_back(std::exchange(reserved_, 0));
    if (!keep_alive_) return linger();
    first_ = false;
    set_phase(Phase::kIdle);
    next();  // a pipelined request may be buffered already
  }

  // Closes gracefully: what the client still sends is read and dropped for
  // a moment, so that the kernel does not reset the connection before the
  // client has read the last answer.
  void linger() {
    set_phase(Phase::kLinger);
    error_code ec;
    socket_.shutdown(tcp::socket::shutdown_send, ec);
    discard();
  }

  void discard() {
    buffer_.consume(buffer_.size());
    socket_.async_read_some(buffer_.prepare(kReadChunk),
                            [self = shared_from_this()](error_code ec, size_t n) {
                              if (self->phase_ == Phase::kClosed) return;
                              self->lingered_ += n;
                              if (ec || self->lingered_ > kMaxLingerBytes) return self->close();
                              self->discard();
                            });
  }

  void close() {
    if (phase_ == Phase::kClosed) return;
    waiting_self_.reset();
    set_phase(Phase::kClosed);
    error_code ec;
    socket_.close(ec);
  }

  tcp::socket socket_;
  ConnectionHub& hub_;
  RequestReader reader_;
  boost::beast::flat_buffer buffer_;
  std::list<std::weak_ptr<Connection>>::iterator entry_;  // in hub_.live
  bool registered_ = false;
  std::string fallback_host_;
  bool from_loopback_ = false;

  Phase phase_ = Phase::kIdle;
  bool first_ = true;  // no request answered yet
  bool timed_out_ = false;
  int64_t deadline_local_ = 0;
  std::atomic<int64_t> deadline_{0};  // steady ms, 0: none; read by expire_if_late
  std::atomic<bool> expiry_posted_{false};

  // The request being answered.
  bool keep_alive_ = false;
  bool http11_ = true;
  bool head_request_ = false;
  bool answering_ = false;
  std::string out_;  // the answer being written
  size_t reserved_ = 0;  // taken from hub_.budget for the current body
  std::shared_ptr<Connection> waiting_self_;  // while waiting for the budget
  size_t lingered_ = 0;
};

namespace {

// The Responder a handler gets: each call goes to the connection's strand.
class Exchange : public Responder {
 public:
  explicit Exchange(std::shared_ptr<Connection> c) : c_(std::move(c)) {}

  ~Exchange() override {
    if (!answered_.load()) respond(HttpResponse::of(errors::internal()));
  }

  void respond(HttpResponse response) override {
    if (answered_.exchange(true)) return;
    c_->on_strand([c = c_, r = std::move(response)]() mutable { c->answer(std::move(r)); });
  }

 private:
  std::shared_ptr<Connection> c_;
  std::atomic<bool> answered_{false};
};

}  // namespace

void Connection::dispatch() {
  HttpRequest request = reader_.take(hub_.options.scheme, fallback_host_);
  request.from_loopback = from_loopback_;
  head_request_ = request.method == "HEAD";
  http11_ = reader_.http11();
  keep_alive_ = reader_.keep_alive() && !hub_.draining;
  set_phase(Phase::kBusy);
  auto exchange = std::make_shared<Exchange>(shared_from_this());
  try {
    hub_.handler(std::move(request), exchange);
  } catch (const std::exception&) {
    exchange->respond(HttpResponse::of(errors::internal()));
  }
}

void serve_connection(tcp::socket socket, ConnectionHub& hub) {
  std::make_shared<Connection>(std::move(socket), hub)->start();
}

namespace {

std::vector<std::shared_ptr<Connection>> live_connections(ConnectionHub& hub) {
  std::vector<std::shared_ptr<Connection>> out;
  std::lock_guard<std::mutex> lock(hub.mutex);
  out.reserve(hub.live.size());
  for (const auto& weak : hub.live) {
    if (auto c = weak.lock()) out.push_back(std::move(c));
  }
  return out;  // released outside the lock: a last reference runs ~Connection
}

}  // namespace

void expire_connections(ConnectionHub& hub) {
  int64_t now = steady_ms();
  for (const auto& c : live_connections(hub)) c->expire_if_late(now);
}

void drain_connections(ConnectionHub& hub) {
  hub.draining = true;
  for (const auto& c : live_connections(hub)) c->drain();
}

}  // namespace ratchet
