#include "bench/runner.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <deque>
#include <latch>
#include <stdexcept>
#include <thread>

#include "bench/open_loop.h"

namespace bench {
namespace {

using std::chrono::duration_cast;
using std::chrono::nanoseconds;

Clock::duration seconds(double s) { return duration_cast<Clock::duration>(std::chrono::duration<double>(s)); }

struct Window {
  Clock::time_point start, measure, end;
  bool inside(Clock::time_point t) const { return t >= measure && t < end; }
};

// One connection and the operation it is carrying.
struct Slot {
  explicit Slot(const Endpoint& e, Session* s) : endpoint(e), connection(e), session(s) {}
  const Endpoint& endpoint;
  Connection connection;
  Session* session;
  bool busy = false;
  std::string bytes;
  std::string method;
  Clock::time_point op_start;    // intended (open loop) or actual start of the operation
  Clock::time_point req_start;   // where this request's latency counts from
  Clock::time_point deadline;    // timeout
  Clock::time_point not_before;  // reconnect back-off
  bool resent = false;
  int registered_fd = -1;
  uint32_t registered_events = 0;
};

class Worker {
 public:
  Worker(std::vector<std::unique_ptr<Slot>> slots, const LoadPlan& plan)
      : plan_(plan), slots_(std::move(slots)) {
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0) throw std::runtime_error("epoll_create1 failed");
  }
  ~Worker() { ::close(epoll_); }

  // Opens every connection, so that the clock starts on connected sockets.
  void connect_all(Clock::time_point deadline);
  void run(const Window& window, std::optional<OpenLoopSchedule> schedule);

  Stats stats;
  std::atomic<uint64_t> live_responses{0}, live_errors{0};

 private:
  void start(Slot& slot, Clock::time_point op_start, Clock::time_point now);
  void send(Slot& slot, Request request, Clock::time_point latency_from, Clock::time_point now);
  void on_event(Slot& slot, Clock::time_point now);
  void progress(Slot& slot, Connection::Status status, Clock::time_point now);
  void completed(Slot& slot, Clock::time_point now);
  void failed(Slot& slot, Clock::time_point now);
  void finish_op(Slot& slot, Clock::time_point now);
  void watch(Slot& slot);
  bool counted(const Slot& slot) const { return window_.inside(slot.req_start); }
  bool op_counted(const Slot& slot) const { return window_.inside(slot.op_start); }
  void wait(Clock::time_point until);

  const LoadPlan& plan_;
  std::vector<std::unique_ptr<Slot>> slots_;
  int epoll_;
  Window window_;
  bool stopping_ = false;
};

void Worker::watch(Slot& slot) {
  int fd = slot.connection.fd();
  if (fd < 0) {
    slot.registered_fd = -1;  // closing the socket removed it from the epoll set
    return;
  }
  uint32_t events = EPOLLIN | EPOLLRDHUP | (slot.connection.wants_write() ? EPOLLOUT : 0u);
  if (fd == slot.registered_fd && events == slot.registered_events) return;
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = &slot;
  if (fd != slot.registered_fd) {
    if (epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev) != 0 && errno == EEXIST)
      epoll_ctl(epoll_, EPOLL_CTL_MOD, fd, &ev);
  } else {
    epoll_ctl(epoll_, EPOLL_CTL_MOD, fd, &ev);
  }
  slot.registered_fd = fd;
  slot.registered_events = events;
}

void Worker::wait(Clock::time_point until) {
  epoll_event events[256];
  auto now = Clock::now();
  auto left = until > now ? until - now : Clock::duration::zero();
  if (left > std::chrono::milliseconds(50)) left = std::chrono::milliseconds(50);
  timespec ts{0, static_cast<long>(duration_cast<nanoseconds>(left).count())};
  int n = epoll_pwait2(epoll_, events, 256, &ts, nullptr);
  if (n < 0 && errno == ENOSYS) {
    int ms = static_cast<int>((duration_cast<nanoseconds>(left).count() + 999999) / 1000000);
    n = epoll_wait(epoll_, events, 256, ms);
  }
  now = Clock::now();
  for (int i = 0; i < n; ++i) on_event(*static_cast<Slot*>(events[i].data.ptr), now);
}

void Worker::connect_all(Clock::time_point deadline) {
  for (auto& slot : slots_) {
    slot->connection.send("", "GET");  // opens the socket; nothing to write
    watch(*slot);
  }
  for (;;) {
    bool pending = false;
    for (auto& slot : slots_) {
      if (slot->connection.fd() >= 0 && slot->connection.wants_write()) pending = true;
    }
    if (!pending || Clock::now() >= deadline) return;
    epoll_event events[256];
    int n = epoll_wait(epoll_, events, 256, 10);
    for (int i = 0; i < n; ++i) {
      Slot& slot = *static_cast<Slot*>(events[i].data.ptr);
      slot.connection.on_ready();  // finishes the connect; reads nothing
      watch(slot);
    }
  }
}

void Worker::send(Slot& slot, Request request, Clock::time_point latency_from, Clock::time_point now) {
  slot.busy = true;
  slot.bytes = request.serialize(slot.endpoint.authority, "");
  slot.method = request.method;
  slot.req_start = latency_from;
  slot.deadline = now + seconds(plan_.timeout);
  slot.resent = false;
  progress(slot, slot.connection.send(slot.bytes, slot.method), now);
}

void Worker::start(Slot& slot, Clock::time_point op_start, Clock::time_point now) {
  slot.op_start = op_start;
  send(slot, slot.session->begin(), op_start, now);
}

void Worker::progress(Slot& slot, Connection::Status status, Clock::time_point now) {
  if (status == Connection::Status::done) {
    completed(slot, now);
  } else if (status == Connection::Status::failed) {
    failed(slot, now);
  }
  watch(slot);
}

void Worker::on_event(Slot& slot, Clock::time_point now) {
  if (!slot.busy) {
    // An idle keep-alive connection woke up: the server closed it (or sent
    // something unasked). Drop it; the next request reconnects.
    slot.connection.close();
    watch(slot);
    return;
  }
  progress(slot, slot.connection.on_ready(), now);
}

void Worker::finish_op(Slot& slot, Clock::time_point now) {
  slot.busy = false;
  if (op_counted(slot)) {
    ++stats.operations;
    stats.operation_latency.record(static_cast<uint64_t>(latency_from(slot.op_start, now).count()));
  }
}

void Worker::completed(Slot& slot, Clock::time_point now) {
  Response& response = slot.connection.response();
  Step step = slot.session->next(response);
  bool count = counted(slot);
  live_responses.fetch_add(1, std::memory_order_relaxed);
  if (!step.success) live_errors.fetch_add(1, std::memory_order_relaxed);
  if (count) {
    ++stats.requests;
    ++stats.statuses[response.status];
    stats.bytes += slot.connection.response_bytes();
    stats.latency.record(static_cast<uint64_t>(latency_from(slot.req_start, now).count()));
    for (int s : step.sub_statuses) ++stats.sub_statuses[s];
    if (step.retry) ++stats.retries;
    if (step.success) {
      ++stats.successes;
    } else {
      ++stats.errors;
      stats.note_error(step.error_kind, step.error);
    }
  }
  if (step.follow_up && !stopping_) {
    send(slot, std::move(*step.follow_up), now, now);
    return;
  }
  if (step.follow_up) {
    slot.session->abandon();
    slot.busy = false;
    return;
  }
  finish_op(slot, now);
}

void Worker::failed(Slot& slot, Clock::time_point now) {
  Connection& c = slot.connection;
  if (c.stale() && !slot.resent) {
    // The server had closed this idle keep-alive connection; the request
    // never reached it, so sending it again is safe and not an error.
    slot.resent = true;
    Connection::Status s = c.send(slot.bytes, slot.method);
    if (s != Connection::Status::failed) {
      if (s == Connection::Status::done) completed(slot, now);
      return;
    }
  }
  live_responses.fetch_add(1, std::memory_order_relaxed);
  live_errors.fetch_add(1, std::memory_order_relaxed);
  if (counted(slot)) {
    ++stats.requests;
    ++stats.errors;
    ++stats.failures[c.error_kind()];
    stats.note_error(c.error_kind(), c.error());
  }
  slot.session->abandon();
  slot.busy = false;
  if (c.error_kind() == "connect") slot.not_before = now + std::chrono::milliseconds(100);
}

void Worker::run(const Window& window, std::optional<OpenLoopSchedule> schedule) {
  window_ = window;
  std::deque<Clock::time_point> due;
  auto drain_end = window.end + seconds(plan_.timeout);
  for (;;) {
    auto now = Clock::now();
    if (now >= window.end) stopping_ = true;
    if (!stopping_) {
      if (schedule) {
        while (auto t = schedule->next_due(now)) due.push_back(*t);
        for (auto& slot : slots_) {
          if (due.empty()) break;
          if (!slot->busy && now >= slot->not_before) {
            start(*slot, due.front(), now);
            due.pop_front();
          }
        }
      } else {
        for (auto& slot : slots_)
          if (!slot->busy && now >= slot->not_before) start(*slot, now, now);
      }
    }
    bool any_busy = false;
    Clock::time_point next = stopping_ ? drain_end : window.end;
    for (auto& slot : slots_) {
      if (!slot->busy) {
        if (!stopping_ && slot->not_before > now && slot->not_before < next) next = slot->not_before;
        continue;
      }
      if (now >= slot->deadline) {
        slot->connection.time_out(plan_.timeout);
        progress(*slot, Connection::Status::failed, now);
        continue;
      }
      any_busy = true;
      if (slot->deadline < next) next = slot->deadline;
    }
    if (stopping_ && (!any_busy || now >= drain_end)) break;
    if (schedule && !stopping_ && schedule->next_time() < next) next = schedule->next_time();
    wait(next);
  }
  // Everything meant to go before the end and never sent: what was queued,
  // and what was due while the loop was not looking.
  if (schedule)
    while (auto t = schedule->next_due(window.end - std::chrono::nanoseconds(1))) due.push_back(*t);
  for (auto t : due)
    if (window.inside(t)) ++stats.unsent;
  for (auto& slot : slots_) {
    if (slot->busy) slot->session->abandon();
    slot->busy = false;
    slot->connection.close();
  }
}

}  // namespace

Stats run_load(const std::vector<Endpoint>& endpoints, std::vector<std::unique_ptr<Session>>& sessions,
               const LoadPlan& plan, const LiveCallback& live) {
  int threads = std::max(1, std::min<int>(plan.threads, static_cast<int>(sessions.size())));
  std::vector<std::unique_ptr<Worker>> workers;
  for (int t = 0; t < threads; ++t) {
    std::vector<std::unique_ptr<Slot>> mine;
    for (size_t i = t; i < sessions.size(); i += threads)
      mine.push_back(std::make_unique<Slot>(endpoints[i % endpoints.size()], sessions[i].get()));
    workers.push_back(std::make_unique<Worker>(std::move(mine), plan));
  }
  std::latch connected(threads);
  std::atomic<int64_t> start_ns{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      Worker& w = *workers[t];
      w.connect_all(Clock::now() + seconds(plan.timeout));
      connected.count_down();
      int64_t s;
      while ((s = start_ns.load()) == 0) std::this_thread::sleep_for(std::chrono::microseconds(100));
      Window window;
      window.start = Clock::time_point(nanoseconds(s));
      window.measure = window.start + seconds(plan.warmup);
      window.end = window.measure + seconds(plan.duration);
      std::optional<OpenLoopSchedule> schedule;
      if (plan.rate > 0) schedule = OpenLoopSchedule::share(plan.rate, threads, t, window.start);
      w.run(window, schedule);
    });
  }
  connected.wait();
  auto start = Clock::now() + std::chrono::milliseconds(1);
  start_ns.store(duration_cast<nanoseconds>(start.time_since_epoch()).count());
  auto measure = start + seconds(plan.warmup);
  auto end = measure + seconds(plan.duration);
  if (live) {
    for (int tick = 1;; ++tick) {
      auto at = start + std::chrono::seconds(tick);
      if (at > end) break;
      std::this_thread::sleep_until(at);
      uint64_t responses = 0, errors = 0;
      for (auto& w : workers) {
        responses += w->live_responses.load(std::memory_order_relaxed);
        errors += w->live_errors.load(std::memory_order_relaxed);
      }
      live(static_cast<double>(tick), responses, errors, at <= measure);
    }
  }
  for (auto& t : pool) t.join();
  Stats total;
  for (auto& w : workers) total.merge(w->stats);
  total.seconds = plan.duration;
  return total;
}

}  // namespace bench
