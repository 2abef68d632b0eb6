// A list of objects: the objects of one resource type under one parent
// object, named by the parent's URI ("" at top level; a per-user type's
// parent is the user id). Every layer names lists this way; only the store
// knows how a list is laid out in keys.
#pragma once

#include <compare>
#include <string>
#include <string_view>

namespace ratchet {

struct ListId {
  std::string parent;
  std::string resource;

  auto operator<=>(const ListId&) const = default;
  bool operator==(const ListId&) const = default;
};

// Whether the list lies below the object at `uri`: its parent is that
// object or one of its descendants.
inline bool below(const ListId& list, std::string_view uri) {
  std::string_view parent = list.parent;
  return parent.size() >= uri.size() && parent.substr(0, uri.size()) == uri &&
         (parent.size() == uri.size() || parent[uri.size()] == '/');
}

}  // namespace ratchet
