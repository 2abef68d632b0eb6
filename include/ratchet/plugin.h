// What a plugin sees of a running node (the extension points themselves --
// AuthPolicy, RequestHook, Plugin -- are declared with the Registry).
//
// Thread-safety: an Objects may be used from any number of threads.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ratchet/op.h"
#include "ratchet/registry.h"

namespace ratchet {

class Objects {
 public:
  virtual ~Objects() = default;
  // The stored text of an object, read without permission checks.
  virtual std::optional<std::string> stored(const std::string& resource, const std::string& parent,
                                            const std::string& id) = 0;
  // Executes an Op as a request would (a write returns once durable).
  virtual Result execute(const Op& op) = 0;
  // Every principal of a user (PROTOCOL.md §7.1).
  virtual std::vector<std::string> principals(const std::string& user_id) = 0;
};

}  // namespace ratchet
