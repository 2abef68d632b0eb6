// The endpoints that are not resources (PROTOCOL.md §1.4-§1.5): hello,
// heartbeats and version.
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

// GET /v1/__heartbeat__: a store write and read probe; 503 when it fails.
HttpResponse heartbeat(Node& node);

// GET /v1/__version__: the version_json file, 404 when absent.
HttpResponse version(const Settings& settings);

}  // namespace ratchet
