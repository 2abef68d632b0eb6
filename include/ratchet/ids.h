// Object id rules (PROTOCOL.md §2.2): which ids a resource accepts and how
// it generates one when a client POSTs without an id.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace ratchet {

struct IdRule {
  std::function<bool(std::string_view)> valid;
  std::function<std::string()> generate;  // empty: clients must give ids
  // Generated ids never collide (UUID4s): no lookup before using one.
  bool unique = false;
};

// ^[a-zA-Z0-9][a-zA-Z0-9_-]*$, generating 8 characters (buckets, collections, groups).
IdRule name_ids();
// Same validation, generating lower-case UUID4s (records).
IdRule uuid_ids();

bool is_name_id(std::string_view id);
std::string uuid4();

}  // namespace ratchet
