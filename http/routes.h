// URL routing (PROTOCOL.md §1): the version prefix and trailing-slash
// redirects, the utility endpoints, and resource endpoints derived from the
// registry.
#pragma once

#include <string>

#include "ratchet/registry.h"

namespace ratchet {

// The Kinto protocol version ratchet speaks, whose major is the /v1 prefix
// (hello's http_api_version, /v1/__api__'s info.version).
constexpr char kHttpApiVersion[] = "1.23";

struct Route {
  enum Kind {
    kHello,
    kHeartbeat,
    kLbHeartbeat,
    kVersion,
    kApi,         // GET /v1/__api__ (openapi.h)
    kContribute,  // GET /v1/contribute.json
    kBatch,
    kPermissions,  // GET /v1/permissions (§7.9), when enabled
    kCluster,      // GET /v1/__cluster__: this node's view of the cluster
    kResource,
    kPage,           // GET below a plugin's pages (Registry::add_pages): `page` of `pages`
    kPrefixRedirect,  // 307 to `location` (a path; the query string is kept): /v1 prefix
    kSlashRedirect,   // same, dropping trailing slashes (§1.2; cacheable)
    kFolderRedirect,  // same, to the folder of a plugin's pages (adding a slash)
    kNotFound,       // 404 errno 111
    kWrongVersion,   // 404 errno 116
  };
  Kind kind = kNotFound;
  // kResource: the type, its parent id and the object id ("" on the plural
  // endpoint). A per-user type's parent (the user id) is filled in later.
  const ResourceType* type = nullptr;
  std::string parent;
  std::string id;
  bool plural = false;
  std::string location;
  const PageSource* pages = nullptr;
  std::string page;  // kPage: the path below the pages' prefix

  // Methods the route answers, for 405 and Allow.
  Verbs verbs() const;
};

Route resolve(const Registry& registry, const std::string& path);

// "GET, HEAD, ..., OPTIONS" in a fixed order: the route's methods and the
// preflight every route answers (Allow; Access-Control-Allow-Methods with
// separator ",", as Kinto).
std::string allow_header(Verbs verbs, const char* separator = ", ");

}  // namespace ratchet
