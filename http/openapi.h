// GET /v1/__api__ (PROTOCOL.md §1.5): a Swagger 2.0 description of every
// route, built from the registry, so that an application's own resources
// appear beside Kinto's.
#pragma once

#include <string>

#include "ratchet/json.h"
#include "ratchet/registry.h"
#include "ratchet/settings.h"

namespace ratchet {

// The document for clients that reach the server at `host` (the request's
// Host header).
Json openapi(const Registry& registry, const Settings& settings, const std::string& host);

}  // namespace ratchet
