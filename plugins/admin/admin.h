// Kinto's admin plugin (PROTOCOL.md §1.5, §12): the Kinto Admin UI served
// at /v1/admin/ from `admin_assets_path` (default: the build's admin/
// folder, made by scripts/setup), index.html under Kinto's
// Content-Security-Policy; /v1/admin redirects to it. Without a built UI
// the page says how to build one. Hello shows the `admin` capability with
// the UI's version (the folder's VERSION file). As in Kinto, including
// `admin` turns on the permissions endpoint (core/settings.cpp).
// Files are read on each request: any thread may serve them.
#pragma once

#include "ratchet/registry.h"

namespace ratchet {

Plugin admin_plugin();

}  // namespace ratchet
