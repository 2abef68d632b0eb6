// What a request is answered when answering it threw: one mapping for every
// caller (the read path, the list actors, GET /permissions).
#pragma once

#include <stdexcept>
#include <string_view>

#include "ratchet/op.h"

namespace ratchet {

// Thrown by a scan that stopped because the node is stopping.
class NodeStopping : public std::runtime_error {
 public:
  NodeStopping() : std::runtime_error("the node is stopping") {}
};

// Call only inside a catch block: the answer to the exception being
// handled. The store failed (StoreError) or the node is stopping: 503 errno
// 201; anything else: 500. Failures are logged, naming `during`.
Result failure_result(std::string_view during);

}  // namespace ratchet
