// A ratchet server in a child process (the real binary), for tests that
// kill it. Its stderr is read until the "listening" line gives the port.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>

namespace ratchet::testing {

class ChildServer {
 public:
  // Starts `binary serve --port 0 --data <data_dir>` with extra environment
  // variables; throws if it does not start listening.
  ChildServer(const std::string& binary, const std::string& data_dir,
              const std::map<std::string, std::string>& env);
  ~ChildServer();  // SIGKILLs the child if it still runs

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  void kill_hard();  // SIGKILL, then reap

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  int stderr_fd_ = -1;
};

}  // namespace ratchet::testing
