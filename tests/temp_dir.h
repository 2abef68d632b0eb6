// A fresh directory under the system temp dir, removed on destruction.
#pragma once

#include <string>

namespace ratchet::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace ratchet::testing
