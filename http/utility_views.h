// The endpoints that are not resources (PROTOCOL.md §1.4-§1.5): hello,
// heartbeats, version and contribute.json.
#pragma once

#include <string>
#include <vector>

#include "actors/node.h"
#include "http/message.h"

namespace ratchet {

// GET /v1/: project, API version, public settings, capabilities and, when
// authenticated, the user's id and principals.
HttpResponse hello(Node& node, const HttpRequest& request, const std::string& user_id,
                   const std::vector<std::string>& principals);

// GET /v1/__heartbeat__: a store write and read probe; in a cluster, whether
// this node holds its lease and, as primary, enough copies; 503 when not.
HttpResponse heartbeat(Node& node);

// GET /v1/__cluster__ (cluster/member.h status): for cluster_read_principals,
// or, when that setting is not set, for clients on a loopback address.
HttpResponse cluster_view(Node& node, const HttpRequest& request,
                          const std::vector<std::string>& principals);

// GET /v1/__version__: the version_json_path file (404 when absent), by
// default the version.json written by the build.
HttpResponse version(const Settings& settings);

// GET /v1/contribute.json: the project's contribute.json (contributejson.org).
HttpResponse contribute();

}  // namespace ratchet
