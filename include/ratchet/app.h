// The command line of a ratchet application: `<name> serve [--config FILE]
// [--port N] [--data DIR]`, `--help`, `--version`. Loads the settings
// (exit code 2 on a bad one), starts the node and the HTTP server, and runs
// until SIGINT or SIGTERM. ratchet itself and embedding applications (see
// examples/bookmarks) differ only in the resources they declare and the
// plugins they offer (Registry::offer), which the `includes` setting picks.
#pragma once

#include <string>

#include "ratchet/registry.h"

namespace ratchet {

int run_app(const std::string& name, const Registry& registry, int argc, char** argv);

}  // namespace ratchet
