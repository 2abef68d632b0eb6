#include "core/acl.h"

#include <simdjson.h>

#include <algorithm>
#include <set>

namespace ratchet {

bool valid_principal(std::string_view principal) {
  return !principal.empty() && principal.find('\0') == std::string_view::npos;
}

bool acl_grants(std::string_view acl, const std::vector<std::string_view>& perms,
                const std::vector<std::string>& principals) {
  if (acl.empty() || principals.empty()) return false;
  thread_local simdjson::ondemand::parser parser;
  simdjson::padded_string text(acl);
  simdjson::ondemand::document doc;
  simdjson::ondemand::object object;
  if (parser.iterate(text).get(doc) || doc.get_object().get(object)) return false;
  for (auto field : object) {
    std::string_view perm;
    if (field.unescaped_key().get(perm)) return false;
    bool wanted = perms.empty() || std::find(perms.begin(), perms.end(), perm) != perms.end();
    if (!wanted) continue;
    simdjson::ondemand::array members;
    if (field.value().get_array().get(members)) return false;
    for (auto member : members) {
      std::string_view p;
      if (member.get_string().get(p)) return false;
      if (std::find(principals.begin(), principals.end(), p) != principals.end()) return true;
    }
  }
  return false;
}

std::set<std::string> acl_principals(std::string_view acl) {
  std::set<std::string> out;
  if (acl.empty()) return out;
  Json doc = parse_json(acl);
  for (const auto& [perm, members] : doc.items()) {
    for (const Json& m : members) out.insert(m.get<std::string>());
  }
  return out;
}

std::string acl_text(const Json& acl) {
  Json out = Json::object();
  for (const auto& [perm, members] : acl.items()) {
    if (!members.is_array()) continue;
    std::set<std::string> unique;
    for (const Json& m : members) {
      if (m.is_string()) unique.insert(m.get<std::string>());
    }
    if (!unique.empty()) out[perm] = Json(std::vector<std::string>(unique.begin(), unique.end()));
  }
  return dump(out);
}

}  // namespace ratchet
