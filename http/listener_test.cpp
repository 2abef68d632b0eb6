// The Listener alone (http/listener.h) with handlers that answer later or
// never: none of them holds a thread while it waits, the bytes of requests
// in flight are bounded, and stop() ends the loop promptly.
#include "http/listener.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "ratchet/error.h"
#include "tests/raw_socket.h"

namespace ratchet::testing {
namespace {

using namespace std::chrono_literals;

HttpResponse text(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.set_header("Content-Type", "text/plain");
  r.body = std::move(body);
  return r;
}

std::string get(const std::string& path) {
  return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
}

// A listener on an ephemeral port, served by a thread, with a handler that
// answers /now at once and keeps the responders of /later.
class Served {
 public:
  explicit Served(ListenerOptions options = {}, Listener::Handler other = {})
      : listener_(
            options,
            [this, other](HttpRequest request, std::shared_ptr<Responder> responder) {
              if (request.path == "/later") {
                std::lock_guard<std::mutex> lock(mutex_);
                held_.push_back(std::move(responder));
              } else if (other) {
                other(std::move(request), std::move(responder));
              } else {
                responder->respond(text(200, "now " + request.method));
              }
            },
            [limit = options.request.max_body_bytes](const HttpRequest&, int status) {
              return HttpResponse::of(errors::unreadable_request(status, limit));
            }) {
    port_ = listener_.bind("127.0.0.1", 0);
    thread_ = std::thread([this] { listener_.run(); });
  }
  ~Served() {
    listener_.stop();
    thread_.join();
  }

  int port() const { return port_; }
  Listener& listener() { return listener_; }
  size_t held() {
    std::lock_guard<std::mutex> lock(mutex_);
    return held_.size();
  }
  std::vector<std::shared_ptr<Responder>> take_held() {
    std::lock_guard<std::mutex> lock(mutex_);
    return std::move(held_);
  }
  void wait_until_held(size_t n) {
    for (int i = 0; i < 500 && held() < n; ++i) std::this_thread::sleep_for(10ms);
  }

 private:
  Listener listener_;
  std::mutex mutex_;
  std::vector<std::shared_ptr<Responder>> held_;
  int port_ = 0;
  std::thread thread_;
};

TEST(Listener, AnswersLaterWithoutHoldingAThread) {
  ListenerOptions options;
  options.threads = 2;
  Served s(options);
  std::vector<std::unique_ptr<RawSocket>> waiting;
  for (int i = 0; i < 20; ++i) {
    waiting.push_back(std::make_unique<RawSocket>(s.port()));
    ASSERT_TRUE(waiting.back()->send(get("/later")));
  }
  s.wait_until_held(20);
  ASSERT_EQ(s.held(), 20u);
  RawSocket now(s.port());  // 20 unanswered requests, 2 threads: still served
  ASSERT_TRUE(now.send(get("/now")));
  auto r = now.response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "now GET");

  std::thread answering([held = s.take_held()] {
    for (size_t i = 0; i < held.size(); ++i) held[i]->respond(text(200, "later " + std::to_string(i)));
  });
  answering.join();
  std::set<std::string> bodies;
  for (auto& w : waiting) {
    auto later = w->response();
    ASSERT_TRUE(later);
    bodies.insert(later->body);
  }
  EXPECT_EQ(bodies.size(), 20u);
}

TEST(Listener, OneAnswerFromAnotherThreadThenTheNextRequest) {
  Served s;
  RawSocket c(s.port());
  ASSERT_TRUE(c.send(get("/later")));
  s.wait_until_held(1);
  auto held = s.take_held();
  ASSERT_EQ(held.size(), 1u);
  std::thread answering([r = held[0]] {
    r->respond(text(200, "first"));
    r->respond(text(500, "second"));  // ignored
  });
  answering.join();
  auto first = c.response();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->body, "first");
  ASSERT_TRUE(c.send(get("/now")));  // the connection goes on
  auto next = c.response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "now GET");
}

std::string post(const std::string& path, size_t body_bytes) {
  return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " +
         std::to_string(body_bytes) + "\r\n\r\n" + std::string(body_bytes, 'x');
}

TEST(Listener, BodiesBeyondTheBudgetWaitUntilBytesComeBack) {
  ListenerOptions options;
  options.request.max_body_bytes = 64 * 1024;
  options.max_body_bytes_held = 1;  // raised to one largest body
  Served s(options);
  RawSocket first(s.port());
  ASSERT_TRUE(first.send(post("/later", 60 * 1024)));
  s.wait_until_held(1);
  ASSERT_EQ(s.held(), 1u);
  RawSocket second(s.port());  // does not fit beside the first
  ASSERT_TRUE(second.send(post("/later", 60 * 1024)));
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(s.held(), 1u);
  RawSocket small(s.port());  // requests without a body go on
  ASSERT_TRUE(small.send(get("/now")));
  auto r = small.response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "now GET");
  // The first answer gives its bytes back: the second request goes on.
  auto held = s.take_held();
  held[0]->respond(text(200, "first"));
  auto answered = first.response();
  ASSERT_TRUE(answered);
  EXPECT_EQ(answered->body, "first");
  s.wait_until_held(1);
  EXPECT_EQ(s.held(), 1u);
  s.take_held()[0]->respond(text(200, "second"));
  auto second_answer = second.response();
  ASSERT_TRUE(second_answer);
  EXPECT_EQ(second_answer->body, "second");
}

TEST(Listener, ADroppedResponderAnswers500) {
  Served s({}, [](HttpRequest, std::shared_ptr<Responder>) {});
  RawSocket c(s.port());
  ASSERT_TRUE(c.send(get("/dropped")));
  auto r = c.response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
}

TEST(Listener, HeadAnswersCarryNoBody) {
  Served s;
  RawSocket c(s.port());
  ASSERT_TRUE(c.send("HEAD /now HTTP/1.1\r\nHost: x\r\n\r\n" + get("/now")));
  // The HEAD's answer has a Content-Length but no body: the next answer
  // follows right after its head.
  auto r = c.response(5s, true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("Content-Length"), "8");
  auto next = c.response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "now GET");
}

TEST(Listener, StopEndsPromptlyEvenWithAnswersPending) {
  auto s = std::make_unique<Served>();
  RawSocket idle(s->port());
  RawSocket pending(s->port());
  ASSERT_TRUE(pending.send(get("/later")));
  s->wait_until_held(1);
  auto start = std::chrono::steady_clock::now();
  s.reset();  // stop() and join the serving thread
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_TRUE(idle.closed_within(1s));
}

}  // namespace
}  // namespace ratchet::testing
