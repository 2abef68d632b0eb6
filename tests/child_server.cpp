#include "tests/child_server.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <vector>

namespace ratchet::testing {

ChildServer::ChildServer(const std::string& binary, const std::string& data_dir,
                         const std::map<std::string, std::string>& env) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    execl(binary.c_str(), binary.c_str(), "serve", "--port", "0", "--data", data_dir.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  stderr_fd_ = fds[0];
  // Read the log until the listening line; give up after 20 s.
  std::string seen;
  const std::string marker = "listening on http://127.0.0.1:";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{stderr_fd_, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    char buf[4096];
    ssize_t n = read(stderr_fd_, buf, sizeof buf);
    if (n <= 0) break;
    seen.append(buf, static_cast<size_t>(n));
    size_t at = seen.find(marker);
    if (at != std::string::npos && seen.find('/', at + marker.size()) != std::string::npos) {
      port_ = std::stoi(seen.substr(at + marker.size()));
      // Keep draining stderr so the child never blocks on a full pipe.
      if (fork() == 0) {
        char sink[4096];
        while (read(stderr_fd_, sink, sizeof sink) > 0) {
        }
        _exit(0);
      }
      return;
    }
  }
  kill_hard();
  throw std::runtime_error("server did not start: " + seen);
}

ChildServer::~ChildServer() {
  kill_hard();
  if (stderr_fd_ >= 0) close(stderr_fd_);
}

void ChildServer::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

}  // namespace ratchet::testing
