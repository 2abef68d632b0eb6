// The bytes of request bodies that all connections of a Listener hold at
// once (being read, or handled: JSON parsed from them), bounded. A
// connection takes a body's whole size (its Content-Length, or the body
// limit when chunked) once the head is read and before any of the body is,
// and gives it back once the answer is written. A connection that cannot
// take it reads nothing more (TCP pushes back on the client) until bytes
// come back or its deadline passes; it holds no bytes while it waits, so
// waiting connections never hold each other up.
//
// Thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>
#include <vector>

namespace ratchet {

class BodyBudget {
 public:
  explicit BodyBudget(size_t bytes) : left_(bytes) {}

  // Takes `n` bytes and returns true, or returns false and keeps `wake` to
  // call once, from the thread of a later give_back, when bytes come back
  // (the caller then tries again).
  bool take(size_t n, std::function<void()> wake);
  void give_back(size_t n);

 private:
  std::mutex mutex_;
  size_t left_;
  std::vector<std::function<void()>> waiting_;
};

}  // namespace ratchet
