#include "http/routes.h"

#include <vector>

namespace ratchet {
namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool is_version_segment(const std::string& s) {
  if (s.size() < 2 || s[0] != 'v') return false;
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

Route resource(const Registry& registry, const std::vector<std::string>& segments) {
  Route route;
  const ResourceType* type = nullptr;
  std::string parent;
  for (size_t i = 0; i < segments.size(); i += 2) {
    const ResourceType* next = registry.child(type, segments[i]);
    if (!next || segments[i].empty()) return route;
    if (type) parent = object_uri(*type, parent, segments[i - 1]);
    type = next;
    if (i + 1 < segments.size() && segments[i + 1].empty()) return route;
  }
  route.kind = Route::kResource;
  route.type = type;
  route.parent = parent;
  route.plural = segments.size() % 2 == 1;
  if (!route.plural) route.id = segments.back();
  return route;
}

}  // namespace

Verbs Route::verbs() const {
  switch (kind) {
    case kHello:
    case kHeartbeat:
    case kLbHeartbeat:
    case kVersion:
    case kApi:
    case kContribute:
    case kPermissions:
    case kCluster:
    case kPage: return kGet | kHead;
    case kBatch: return kPost;
    case kResource: return plural ? type->plural_verbs : type->object_verbs;
    default: return kGet | kHead | kPost | kPut | kPatch | kDelete;
  }
}

std::string allow_header(Verbs verbs, const char* separator) {
  std::string out;
  for (Verb v : {kGet, kHead, kPost, kPut, kPatch, kDelete}) {
    if (verbs & v) out += verb_name(v) + std::string(separator);
  }
  return out + "OPTIONS";
}

Route resolve(const Registry& registry, const std::string& path) {
  Route route;
  if (path.find_first_of("\r\n") != std::string::npos) return route;
  if (path == "/v1") {
    route.kind = Route::kPrefixRedirect;
    route.location = "/v1/";
    return route;
  }
  std::vector<std::string> segments = split_path(path);  // "" first: the path starts with '/'
  if (segments.size() < 2 || !is_version_segment(segments[1])) {
    route.kind = Route::kPrefixRedirect;
    route.location = "/v1" + path;
    return route;
  }
  if (segments[1] != "v1") {
    route.kind = Route::kWrongVersion;
    return route;
  }
  if (path == "/v1/") {
    route.kind = Route::kHello;
    return route;
  }
  if (auto pages = registry.pages_for(std::string_view(path).substr(3))) {
    size_t end = 3 + pages->second;
    if (path.size() == end) {
      route.kind = Route::kFolderRedirect;
      route.location = path + "/";
    } else {
      route.kind = Route::kPage;
      route.pages = pages->first;
      route.page = path.substr(end + 1);
    }
    return route;
  }
  if (path.back() == '/') {
    size_t end = path.find_last_not_of('/');
    route.kind = Route::kSlashRedirect;
    route.location = path.substr(0, end + 1);
    return route;
  }
  std::vector<std::string> rest(segments.begin() + 2, segments.end());
  if (rest.size() == 1) {
    if (rest[0] == "__heartbeat__") route.kind = Route::kHeartbeat;
    if (rest[0] == "__lbheartbeat__") route.kind = Route::kLbHeartbeat;
    if (rest[0] == "__version__") route.kind = Route::kVersion;
    if (rest[0] == "__api__") route.kind = Route::kApi;
    if (rest[0] == "contribute.json") route.kind = Route::kContribute;
    if (rest[0] == "batch") route.kind = Route::kBatch;
    if (rest[0] == "permissions") route.kind = Route::kPermissions;
    if (rest[0] == "__cluster__") route.kind = Route::kCluster;
    if (route.kind != Route::kNotFound) return route;
  }
  return resource(registry, rest);
}

}  // namespace ratchet
