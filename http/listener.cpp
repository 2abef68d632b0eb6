#include "http/listener.h"

#include <semaphore.h>
#include <sys/resource.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "core/blocking.h"
#include "http/connection.h"

namespace ratchet {
namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;

namespace {

constexpr auto kSweepEvery = std::chrono::milliseconds(250);
constexpr auto kAcceptRetry = std::chrono::milliseconds(100);
constexpr auto kStopGrace = std::chrono::seconds(1);

// Each connection is a file descriptor: as many as the hard limit allows.
void raise_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// The turns at the loop: a pool thread runs loop steps (handlers, reads,
// writes) while it holds a turn, and gives its turn up only when a step
// waits (BlockingWait), so that the step's wait does not stop the loop;
// after such a step it waits for a turn again. The turns are a POSIX
// semaphore, which wakes one waiting thread per turn given up
// (std::counting_semaphore wakes them all, and they spin for the one turn).
class LoopTurns {
 public:
  explicit LoopTurns(int turns) { sem_init(&free_, 0, static_cast<unsigned>(turns)); }
  ~LoopTurns() { sem_destroy(&free_); }

  // Runs loop steps until the loop stops.
  void serve(net::io_context& io) {
    Turn turn(free_);
    set_blocking_hook(&turn);
    while (true) {
      if (!turn.holding) turn.take();
      size_t ran = 1;
      try {
        ran = io.run_one();
      } catch (const std::exception& e) {  // one connection's step failed, not the loop
        spdlog::error("HTTP loop step failed: {}", e.what());
      }
      if (ran == 0) break;
    }
    turn.enter();  // the next thread sees the loop stopped too
    set_blocking_hook(nullptr);
  }

 private:
  struct Turn : BlockingHook {
    explicit Turn(sem_t& f) : free(f) {}
    void take() {
      while (sem_wait(&free) != 0) {
      }  // EINTR
      holding = true;
    }
    void enter() override {
      if (!holding) return;
      holding = false;
      sem_post(&free);
    }
    sem_t& free;
    bool holding = false;
  };

  sem_t free_;
};

int turns_of(const ListenerOptions& o) {
  int cores = static_cast<int>(std::thread::hardware_concurrency());
  return o.loop_threads > 0 ? o.loop_threads : std::max(2, cores);
}

}  // namespace

struct Listener::Impl {
  Impl(const ListenerOptions& options, Handler handler, Refusal refusal)
      : hub(options, std::move(handler), std::move(refusal)),
        io(turns_of(options)),
        turns(turns_of(options)),
        control(net::make_strand(io)),
        acceptor(control),
        sweep(control),
        retry(control) {}

  void accept() {
    acceptor.async_accept(net::make_strand(io), [this](error_code ec, tcp::socket socket) {
      if (!acceptor.is_open()) return;
      if (!ec) {
        // Beyond the cap a connection is refused at once, never queued.
        if (hub.open.load() < hub.options.max_connections) {
          serve_connection(std::move(socket), hub);
        }
        return accept();
      }
      // Out of descriptors or memory: wait for connections to close.
      retry.expires_after(kAcceptRetry);
      retry.async_wait([this](error_code) { accept(); });
    });
  }

  void sweep_periodically() {
    sweep.expires_after(kSweepEvery);
    sweep.async_wait([this](error_code ec) {
      if (ec || stopping) return;
      expire_connections(hub);
      sweep_periodically();
    });
  }

  // On the control strand: no new connections, idle ones closed, busy ones
  // closed after their answer; the loop ends when none is left, or after a
  // grace period whatever is left.
  void begin_stop() {
    if (stopping) return;
    stopping = true;
    error_code ignored;
    acceptor.close(ignored);
    sweep.cancel();
    retry.cancel();
    drain_connections(hub);
    stop_at = std::chrono::steady_clock::now() + kStopGrace;
    wait_for_drain();
  }

  void wait_for_drain() {
    if (hub.open.load() == 0) return;  // nothing keeps the loop running
    if (std::chrono::steady_clock::now() >= stop_at) return io.stop();
    sweep.expires_after(std::chrono::milliseconds(20));
    sweep.async_wait([this](error_code) { wait_for_drain(); });
  }

  ConnectionHub hub;
  net::io_context io;
  LoopTurns turns;
  net::strand<net::io_context::executor_type> control;  // acceptor and timers
  tcp::acceptor acceptor;
  net::steady_timer sweep;
  net::steady_timer retry;
  bool stopping = false;
  std::chrono::steady_clock::time_point stop_at;
};

ListenerOptions listener_options(const Settings& settings) {
  ListenerOptions o;
  o.threads = settings.http_threads;
  o.keepalive_seconds = settings.http_keepalive_seconds;
  o.header_timeout_seconds = settings.http_header_timeout_seconds;
  o.max_connections = static_cast<size_t>(settings.http_max_connections);
  o.max_body_bytes_held = static_cast<size_t>(settings.http_max_body_bytes_held);
  o.request.max_body_bytes = static_cast<size_t>(settings.max_body_bytes);
  if (!settings.http_scheme.empty()) o.scheme = settings.http_scheme;
  return o;
}

Listener::Listener(const ListenerOptions& options, Handler handler, Refusal refusal)
    : impl_(std::make_unique<Impl>(options, std::move(handler), std::move(refusal))) {}

Listener::~Listener() { stop(); }

int Listener::bind(const std::string& host, int port) {
  raise_file_limit();
  error_code ec;
  tcp::resolver resolver(impl_->io);
  auto found = resolver.resolve(host, std::to_string(port), tcp::resolver::passive, ec);
  if (ec || found.empty()) return -1;
  tcp::acceptor& a = impl_->acceptor;
  tcp::endpoint endpoint = found.begin()->endpoint();
  a.open(endpoint.protocol(), ec);
  if (!ec) a.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    a.close(ec);
    return -1;
  }
  return a.local_endpoint().port();
}

bool Listener::run() {
  Impl& impl = *impl_;
  if (!impl.acceptor.is_open()) return false;
  net::post(impl.control, [&impl] {
    impl.accept();
    impl.sweep_periodically();
  });
  std::vector<std::thread> threads;
  for (int i = 1; i < impl.hub.options.threads; ++i) {
    threads.emplace_back([&impl] { impl.turns.serve(impl.io); });
  }
  impl.turns.serve(impl.io);
  for (auto& t : threads) t.join();
  return true;
}

void Listener::stop() {
  Impl& impl = *impl_;
  net::post(impl.control, [&impl] { impl.begin_stop(); });
}

size_t Listener::connections() const { return impl_->hub.open.load(); }

}  // namespace ratchet
