#include "resource/render.h"

#include "core/acl.h"

namespace ratchet {

std::string object_body(const ResourceType& type, std::string_view object, std::string_view acl,
                        const std::vector<std::string>& principals) {
  std::string body;
  body.reserve(object.size() + acl.size() + 32);
  body += "{\"data\":";
  body += object;
  if (!type.per_user) {
    body += ",\"permissions\":";
    bool shown = !acl.empty() && acl_grants(acl, {"write"}, principals);
    body += shown ? acl : std::string_view("{}");
  }
  body += '}';
  return body;
}

}  // namespace ratchet
