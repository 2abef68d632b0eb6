// What every reader and writer of the object tree shares. Built once at
// start-up; read-only afterwards, so any thread may use it.
#pragma once

#include "core/permissions.h"
#include "core/registry.h"
#include "core/settings.h"
#include "store/engine.h"

namespace ratchet {

struct Context {
  const Registry& registry;
  const Settings& settings;
  Engine& engine;
  Permissions permissions{registry, settings};
};

}  // namespace ratchet
