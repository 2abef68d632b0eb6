#include "core/permissions.h"

#include <algorithm>

#include "core/acl.h"

namespace ratchet {
namespace {

bool has(const std::vector<std::string>& principals, std::string_view p) {
  return std::find(principals.begin(), principals.end(), p) != principals.end();
}

const std::vector<std::string_view> kReadWrite{"read", "write"};
const std::vector<std::string_view> kWrite{"write"};
const std::vector<std::string_view> kAny{};

}  // namespace

bool granted_by_setting(const Settings& settings, const std::vector<std::string>& principals,
                        const std::string& type, const std::string& perm) {
  for (const auto& p : settings.grants(type, perm)) {
    if (has(principals, p)) return true;
  }
  return false;
}

bool Permissions::authenticated(const std::vector<std::string>& principals) {
  return has(principals, kAuthenticated);
}

bool Permissions::granted_by_settings(const std::vector<std::string>& principals,
                                      const std::string& type,
                                      std::initializer_list<const char*> perms) const {
  for (const char* perm : perms) {
    if (granted_by_setting(settings_, principals, type, perm)) return true;
  }
  return false;
}

bool Permissions::inherited(AclSource& acls, const std::vector<std::string>& principals,
                            const ResourceType& type, std::string_view parent,
                            const std::vector<std::string_view>& perms) const {
  const ResourceType* t = registry_.parent_of(type);
  std::string_view uri = parent;
  std::string text;
  while (t) {
    auto [grandparent, id] = split_uri(uri);
    if (acls.acl(*t, grandparent, id, &text) && acl_grants(text, perms, principals)) return true;
    t = registry_.parent_of(*t);
    uri = grandparent;
  }
  return false;
}

bool Permissions::can_read(AclSource& acls, const std::vector<std::string>& principals,
                           const ResourceType& type, std::string_view parent,
                           std::string_view id) const {
  if (type.per_user) return authenticated(principals);
  if (granted_by_settings(principals, type.name, {"read", "write"})) return true;
  std::string text;
  if (acls.acl(type, parent, id, &text) && acl_grants(text, kAny, principals)) return true;
  return inherited(acls, principals, type, parent, kReadWrite);
}

bool Permissions::can_write(AclSource& acls, const std::vector<std::string>& principals,
                            const ResourceType& type, std::string_view parent,
                            std::string_view id) const {
  if (type.per_user) return authenticated(principals);
  if (granted_by_settings(principals, type.name, {"write"})) return true;
  std::string text;
  if (acls.acl(type, parent, id, &text) && acl_grants(text, kWrite, principals)) return true;
  return inherited(acls, principals, type, parent, kWrite);
}

bool Permissions::can_create(AclSource& acls, const std::vector<std::string>& principals,
                             const ResourceType& type, std::string_view parent) const {
  if (type.per_user) return authenticated(principals);
  if (granted_by_settings(principals, type.name, {"create", "write"})) return true;
  const ResourceType* p = registry_.parent_of(type);
  if (!p) return false;
  auto [grandparent, id] = split_uri(parent);
  std::string create = type.name + ":create";
  std::string text;
  if (acls.acl(*p, grandparent, id, &text) &&
      acl_grants(text, {"write", std::string_view(create)}, principals)) {
    return true;
  }
  return inherited(acls, principals, *p, grandparent, kWrite);
}

bool Permissions::can_read_all(AclSource& acls, const std::vector<std::string>& principals,
                               const ResourceType& type, std::string_view parent) const {
  if (type.per_user) return authenticated(principals);
  if (granted_by_settings(principals, type.name, {"read", "write"})) return true;
  return inherited(acls, principals, type, parent, kReadWrite);
}

bool Permissions::can_write_all(AclSource& acls, const std::vector<std::string>& principals,
                                const ResourceType& type, std::string_view parent) const {
  if (type.per_user) return authenticated(principals);
  if (granted_by_settings(principals, type.name, {"write"})) return true;
  return inherited(acls, principals, type, parent, kWrite);
}


}  // namespace ratchet
