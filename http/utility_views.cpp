#include "http/utility_views.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "core/crypto.h"
#include "http/routes.h"
#include "ratchet/json.h"

#include <algorithm>

namespace ratchet {

extern const char kBuiltVersionJson[];  // scripts/version_json.cmake
namespace {

HttpResponse json_response(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

bool read_file(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

// {path, hash, modified} of the configuration file, or null (§1.4).
Json config_info(const Settings& settings) {
  std::string text;
  if (settings.config_path.empty() || !read_file(settings.config_path, &text)) return nullptr;
  struct stat st {};
  stat(settings.config_path.c_str(), &st);
  char modified[32];
  std::tm tm{};
  gmtime_r(&st.st_mtime, &tm);
  std::strftime(modified, sizeof modified, "%Y-%m-%dT%H:%M:%S", &tm);
  return {{"path", settings.config_path}, {"hash", sha256_hex(text)}, {"modified", modified}};
}


// Capabilities of what is enabled (clients test key presence): the
// included plugins' and the server's own.
Json capabilities(const Registry& registry, const Settings& s) {
  auto capability = [](const char* description, const char* url) {
    return Json{{"description", description}, {"url", url}};
  };
  Json out = registry.capabilities();
  const auto& policies = s.multiauth_policies;
  if (std::find(policies.begin(), policies.end(), "basicauth") != policies.end()) {
    out["basicauth"] = capability("Very basic authentication sessions. Not for production use.",
                                  "http://kinto.readthedocs.io/en/stable/api/1.x/authentication.html");
  }
  if (s.clustered()) {
    out["cluster"] = capability(
        "Several nodes serve the same data: writes are replicated to every in-sync node before "
        "they are acknowledged, and a node takes over when the primary fails.",
        "https://github.com/ratchet/ratchet/blob/main/docs/cluster.md");
  }
  if (s.experimental_permissions_endpoint) {
    out["permissions_endpoint"] = capability(
        "The permissions endpoint can be used to list all user objects permissions.",
        "https://kinto.readthedocs.io/en/latest/configuration/settings.html#activating-the-permissions-endpoint");
  }
  return out;
}

}  // namespace

HttpResponse hello(Node& node, const HttpRequest& request, const std::string& user_id,
                   const std::vector<std::string>& principals) {
  const Settings& s = node.settings();
  Json body = {
      {"project_name", s.project_name},
      {"project_version", s.project_version},
      {"http_api_version", kHttpApiVersion},
      {"project_docs", s.project_docs},
      {"url", request.origin + "/v1/"},
      {"config", config_info(s)},
      {"settings",
       {{"batch_max_requests", s.batch_max_requests > 0 ? Json(s.batch_max_requests) : Json()},
        {"readonly", s.readonly},
        {"explicit_permissions", s.explicit_permissions}}},
      {"capabilities", capabilities(node.registry(), s)},
  };
  if (!user_id.empty()) {
    body["user"] = node.registry().user_fields(user_id);
    body["user"]["id"] = user_id;
    body["user"]["principals"] = principals;
  }
  return json_response(200, dump(body));
}

HttpResponse heartbeat(Node& node) {
  // Permissions live in the same store; there is no separate cache backend.
  bool ok = node.store_healthy();
  Json body = {{"storage", ok}, {"permission", ok}, {"cache", true}};
  if (node.clustered()) {
    body["cluster"] = node.cluster_healthy();
    ok = ok && body["cluster"] == true;
  }
  return json_response(ok ? 200 : 503, dump(body));
}

HttpResponse cluster_view(Node& node, const HttpRequest& request,
                          const std::vector<std::string>& principals) {
  const auto& allowed = node.settings().grants("cluster", "read");
  bool may = node.settings().principals.count("cluster_read")
                 ? std::any_of(principals.begin(), principals.end(),
                               [&](const std::string& p) {
                                 return std::find(allowed.begin(), allowed.end(), p) !=
                                        allowed.end();
                               })
                 : request.from_loopback;
  if (may) return json_response(200, node.cluster_status());
  bool authenticated = std::find(principals.begin(), principals.end(), "system.Authenticated") !=
                       principals.end();
  return HttpResponse::of(authenticated ? errors::forbidden() : errors::unauthenticated());
}

HttpResponse version(const Settings& settings) {
  std::string text = kBuiltVersionJson;
  if (!settings.version_json.empty() && !read_file(settings.version_json, &text)) {
    return HttpResponse::of(errors::unknown_url());
  }
  std::optional<Json> doc = try_parse_json(text);
  if (!doc) return HttpResponse::of(errors::internal());
  return json_response(200, dump(*doc));
}

HttpResponse contribute() {
  static const std::string kContribute = dump(Json{
      {"name", "ratchet"},
      {"description",
       "A server for the Kinto HTTP protocol: JSON objects in buckets, collections, groups and "
       "records, with permissions and offline-first sync, in a single binary that scales out by "
       "adding nodes."},
      {"repository",
       {{"url", "https://github.com/ratchet/ratchet"},
        {"license", "Apache License (2.0)"},
        {"tests", "https://github.com/ratchet/ratchet/actions"}}},
      {"participate",
       {{"home", "https://github.com/ratchet/ratchet"},
        {"docs", "https://github.com/ratchet/ratchet/blob/main/README.md"}}},
      {"bugs",
       {{"list", "https://github.com/ratchet/ratchet/issues"},
        {"report", "https://github.com/ratchet/ratchet/issues/new"}}},
      {"keywords", {"JSON", "C++", "REST", "API", "Kinto", "synchronisation"}},
  });
  return json_response(200, kContribute);
}

}  // namespace ratchet
