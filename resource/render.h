// JSON bodies of successful resource responses (PROTOCOL.md §3.1).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ratchet/registry.h"

namespace ratchet {

// {"data":<object>,"permissions":<acl>}. The ACL is shown only to principals
// holding write in it ({} otherwise); per-user types carry no permissions.
std::string object_body(const ResourceType& type, std::string_view object, std::string_view acl,
                        const std::vector<std::string>& principals);

// {"data":[<object>,...]}: the body of a page of a list, built one object
// text at a time.
class DataArray {
 public:
  void add(std::string_view object) {
    body_ += first_ ? "" : ",";
    body_ += object;
    first_ = false;
  }
  std::string finish() && { return std::move(body_) + "]}"; }

 private:
  std::string body_ = "{\"data\":[";
  bool first_ = true;
};

}  // namespace ratchet
