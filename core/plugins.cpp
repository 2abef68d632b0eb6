#include "core/plugins.h"

#include "core/accounts.h"

namespace ratchet {

void add_included_resources(Registry& registry, const Settings& settings) {
  if (settings.included("accounts")) add_accounts(registry, settings);
}

Registry with_every_plugin(const Registry& registry) {
  static const Settings defaults;
  Registry all = registry;
  add_accounts(all, defaults);
  return all;
}

}  // namespace ratchet
