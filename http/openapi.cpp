#include "http/openapi.h"

#include "http/routes.h"

namespace ratchet {
namespace {

Json operation(const std::string& tag, const std::string& id, const Json& parameters,
               const std::string& summary) {
  Json op = {{"tags", {tag}},
             {"operationId", id},
             {"summary", summary},
             {"security", Json::array({{{"basicauth", Json::array()}}})},
             {"responses", {{"default", {{"description", "The Kinto protocol's answer."}}}}}};
  if (!parameters.empty()) op["parameters"] = parameters;
  return op;
}

Json path_parameter(const std::string& name) {
  return {{"name", name}, {"in", "path"}, {"required", true}, {"type", "string"}};
}

// The URL template of `type`'s plural endpoint and the path parameters of
// its ancestors: "/buckets/{bucket_id}/collections".
std::string plural_path(const Registry& registry, const ResourceType& type, Json& parameters) {
  std::string path = "/" + type.plural;
  if (const ResourceType* parent = registry.parent_of(type)) {
    std::string name = parent->name + "_id";
    path = plural_path(registry, *parent, parameters) + "/{" + name + "}" + path;
    parameters.push_back(path_parameter(name));
  }
  return path;
}

void add_resource(const Registry& registry, const ResourceType& type, Json& paths) {
  Json parameters = Json::array();
  std::string plural = plural_path(registry, type, parameters);
  static const std::pair<Verb, const char*> kVerbs[] = {
      {kGet, "get"}, {kHead, "head"}, {kPost, "post"},
      {kPut, "put"}, {kPatch, "patch"}, {kDelete, "delete"}};
  for (auto [verb, name] : kVerbs) {
    if (type.plural_verbs & verb) {
      paths[plural][name] = operation(type.plural, std::string(name) + "_" + type.plural,
                                      parameters, std::string(verb_name(verb)) + " " + type.plural);
    }
  }
  Json object_parameters = parameters;
  object_parameters.push_back(path_parameter("id"));
  for (auto [verb, name] : kVerbs) {
    if (type.object_verbs & verb) {
      paths[plural + "/{id}"][name] =
          operation(type.plural, std::string(name) + "_" + type.name, object_parameters,
                    std::string(verb_name(verb)) + " one " + type.name);
    }
  }
}

}  // namespace

Json openapi(const Registry& registry, const Settings& settings, const std::string& host) {
  Json paths = Json::object();
  Json tags = Json::array();
  auto utility = [&](const std::string& path, const char* verb, const std::string& id,
                     const std::string& summary) {
    paths[path][verb] = operation("utilities", id, Json::array(), summary);
  };
  utility("/", "get", "server_info", "The server's hello: version, settings, capabilities");
  utility("/__heartbeat__", "get", "heartbeat", "Whether the server's backends answer");
  utility("/__lbheartbeat__", "get", "lbheartbeat", "Whether the server runs (for load balancers)");
  utility("/__version__", "get", "version", "The version.json of the build");
  utility("/__api__", "get", "openapi", "This document");
  utility("/contribute.json", "get", "contribute", "How to contribute to the project");
  utility("/batch", "post", "batch", "Several requests in one");
  if (settings.experimental_permissions_endpoint) {
    utility("/permissions", "get", "permissions", "The objects the user has permissions on");
  }
  tags.push_back({{"name", "utilities"}});
  for (const ResourceType& type : registry.types()) {
    add_resource(registry, type, paths);
    tags.push_back({{"name", type.plural}});
  }
  return {{"swagger", "2.0"},
          {"info", {{"title", settings.project_name}, {"version", kHttpApiVersion}}},
          {"basePath", "/v1"},
          {"host", host},
          {"schemes", {settings.http_scheme.empty() ? "http" : settings.http_scheme}},
          {"securityDefinitions", {{"basicauth", {{"type", "basic"}}}}},
          {"tags", tags},
          {"paths", paths}};
}

}  // namespace ratchet
