// A progress bar on stderr for long set-up steps (prefill). On a terminal it
// redraws one line; otherwise it prints a line at every tenth.
//
// Thread-safety: advance() may be called from several threads.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace bench {

class ProgressBar {
 public:
  // `enabled` false: prints nothing.
  ProgressBar(std::string label, int64_t total, bool enabled);
  void advance(int64_t n);
  // Prints the final state and a newline.
  void finish();

  // "prefill [#####.....]  50%  500/1000  1234/s" (without line ending).
  static std::string render(const std::string& label, int64_t done, int64_t total, double rate);

 private:
  void draw(int64_t done, bool force);

  std::string label_;
  int64_t total_;
  bool enabled_;
  bool tty_;
  std::atomic<int64_t> done_{0};
  std::mutex mutex_;
  int last_tenth_ = 0;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace bench
