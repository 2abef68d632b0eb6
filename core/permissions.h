// The permission decision (PROTOCOL.md §7.3-§7.5), in one place: which
// ACEs, inherited down the tree, and which settings grants allow a request.
// Stateless; ACLs are read through an AclSource.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ratchet/registry.h"
#include "ratchet/settings.h"

namespace ratchet {

// Where ACLs come from (the store, or a writer's pending batch).
class AclSource {
 public:
  virtual ~AclSource() = default;
  // The stored ACL text of an object; false when it has none.
  virtual bool acl(const ResourceType& type, std::string_view parent, std::string_view id,
                   std::string* text) = 0;
};

// True when a `<type>_<perm>_principals` setting names one of `principals`.
bool granted_by_setting(const Settings& settings, const std::vector<std::string>& principals,
                        const std::string& type, const std::string& perm);

class Permissions {
 public:
  Permissions(const Registry& registry, const Settings& settings)
      : registry_(registry), settings_(settings) {}

  // Read an object's attributes: any of its own permissions, or read/write
  // inherited from an ancestor, or a settings grant.
  bool can_read(AclSource& acls, const std::vector<std::string>& principals,
                const ResourceType& type, std::string_view parent, std::string_view id) const;
  // Change or delete an object: write on it or on an ancestor.
  bool can_write(AclSource& acls, const std::vector<std::string>& principals,
                 const ResourceType& type, std::string_view parent, std::string_view id) const;
  // Create a `type` object under `parent`: <type>:create or write on the
  // parent, write on an ancestor, or a settings grant.
  bool can_create(AclSource& acls, const std::vector<std::string>& principals,
                  const ResourceType& type, std::string_view parent) const;
  // Read every `type` object under `parent`: read/write on the parent or an
  // ancestor, or a settings grant.
  bool can_read_all(AclSource& acls, const std::vector<std::string>& principals,
                    const ResourceType& type, std::string_view parent) const;
  // Write every `type` object under `parent` (plural DELETE).
  bool can_write_all(AclSource& acls, const std::vector<std::string>& principals,
                     const ResourceType& type, std::string_view parent) const;
 private:
  // True when one of `perms` on an ancestor of (type, parent) -- the parent
  // and up -- grants one of `principals`.
  bool inherited(AclSource& acls, const std::vector<std::string>& principals,
                 const ResourceType& type, std::string_view parent,
                 const std::vector<std::string_view>& perms) const;
  bool granted_by_settings(const std::vector<std::string>& principals, const std::string& type,
                           std::initializer_list<const char*> perms) const;
  static bool authenticated(const std::vector<std::string>& principals);

  const Registry& registry_;
  const Settings& settings_;
};

}  // namespace ratchet
