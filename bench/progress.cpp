#include "bench/progress.h"

#include <unistd.h>

#include <cstdio>

namespace bench {

ProgressBar::ProgressBar(std::string label, int64_t total, bool enabled)
    : label_(std::move(label)), total_(total), enabled_(enabled && total > 0),
      tty_(::isatty(STDERR_FILENO) == 1), start_(std::chrono::steady_clock::now()) {}

std::string ProgressBar::render(const std::string& label, int64_t done, int64_t total, double rate) {
  constexpr int kWidth = 30;
  int filled = total > 0 ? static_cast<int>(kWidth * done / total) : kWidth;
  std::string bar(static_cast<size_t>(filled), '#');
  bar.resize(kWidth, '.');
  char text[160];
  std::snprintf(text, sizeof text, "%s [%s] %3d%%  %lld/%lld  %.0f/s", label.c_str(), bar.c_str(),
                total > 0 ? static_cast<int>(100 * done / total) : 100,
                static_cast<long long>(done), static_cast<long long>(total), rate);
  return text;
}

void ProgressBar::draw(int64_t done, bool force) {
  auto now = std::chrono::steady_clock::now();
  int tenth = total_ > 0 ? static_cast<int>(10 * done / total_) : 10;
  if (!force) {
    if (tty_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
    if (!tty_ && tenth == last_tenth_) return;
  }
  last_draw_ = now;
  last_tenth_ = tenth;
  double seconds = std::chrono::duration<double>(now - start_).count();
  std::string line = render(label_, done, total_, seconds > 0 ? done / seconds : 0);
  std::fprintf(stderr, tty_ ? "\r%s" : "%s\n", line.c_str());
  std::fflush(stderr);
}

void ProgressBar::advance(int64_t n) {
  int64_t done = done_.fetch_add(n) + n;
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  draw(done, false);
}

void ProgressBar::finish() {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  if (tty_) {
    draw(done_.load(), true);
    std::fputc('\n', stderr);
  } else if (last_tenth_ != 10) {
    draw(done_.load(), true);
  }
}

}  // namespace bench
