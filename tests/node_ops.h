// Ops built by hand, for tests that drive a Node without HTTP.
#pragma once

#include <string>

#include "ratchet/op.h"

namespace ratchet::testing {

inline Op node_op(Verb verb, std::string resource, std::string parent, std::string id,
                  const std::string& user = "basicauth:alice") {
  Op op;
  op.verb = verb;
  op.resource = std::move(resource);
  op.parent = std::move(parent);
  op.id = std::move(id);
  op.plural = op.id.empty();
  op.user_id = user;
  op.principals = {"system.Everyone", "system.Authenticated", user};
  return op;
}

inline Op with_data(Op op, std::string data) {
  op.has_data = true;
  op.data = std::move(data);
  return op;
}

}  // namespace ratchet::testing
