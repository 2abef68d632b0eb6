// ratchet: a Kinto-protocol server. `ratchet serve` runs one node.
#include "core/registry.h"
#include "http/app.h"

int main(int argc, char** argv) {
  ratchet::Registry registry;
  ratchet::add_kinto_resources(registry);
  return ratchet::run_app("ratchet", registry, argc, argv);
}
