// ratchet: a Kinto-protocol server. `ratchet serve` runs one node.
#include "plugins/accounts/accounts.h"
#include "plugins/admin/admin.h"
#include "plugins/default_bucket/default_bucket.h"
#include "plugins/history/history.h"
#include "plugins/schema/schema_validation.h"
#include "ratchet/app.h"
#include "ratchet/registry.h"

int main(int argc, char** argv) {
  ratchet::Registry registry;
  ratchet::add_kinto_resources(registry);
  registry.offer(ratchet::accounts_plugin());
  registry.offer(ratchet::default_bucket_plugin());
  registry.offer(ratchet::schema_validation_plugin());
  registry.offer(ratchet::history_plugin());
  registry.offer(ratchet::admin_plugin());
  return ratchet::run_app("ratchet", registry, argc, argv);
}
