// ratchet-bench: a load generator for Kinto-protocol servers (see bench/).
#include <iostream>

#include "bench/command.h"
#include "bench/options.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  bench::ParseOutcome parsed = bench::parse_options(args);
  if (!parsed.options) {
    (parsed.exit_code == 0 ? std::cout : std::cerr) << parsed.message << (parsed.exit_code == 0 ? "" : "\n");
    return parsed.exit_code;
  }
  return bench::run_command(*parsed.options, std::cout, std::cerr);
}
