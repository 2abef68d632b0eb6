// Kinto's plugins that ratchet implements, enabled by the `includes`
// setting: "accounts" (a resource, §12.3) and "default_bucket" (a request
// rewrite in the HTTP frontend, §12.1).
#pragma once

#include "core/registry.h"
#include "core/settings.h"

namespace ratchet {

// Adds the resources of the included plugins; `settings` must outlive the
// registry.
void add_included_resources(Registry& registry, const Settings& settings);

// `registry` plus the resources of every plugin: the setting names they
// accept (account_create_principals, ...) are valid even before `includes`
// is known.
Registry with_every_plugin(const Registry& registry);

}  // namespace ratchet
