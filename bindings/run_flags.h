// The reference-compatible front end: `blis run --model ... --rate ...` (engine-core §8.1,
// cluster-workload-trace §G). Flags are parsed with Go pflag's rules and turned into the Lua
// scenario a user would write, which then goes through the same loader as any scenario file.
#pragma once

#include <string>
#include <vector>

namespace blis::bindings {

struct RunCommand {
  std::string scenario_source;  // Lua source: `return blis.scenario{...}`
  bool print_scenario = false;  // --print-scenario: show the source instead of running it
  bool help = false;
};

// Throws blis::Error for unknown flags, missing values and unparsable numbers (pflag wording).
RunCommand parse_run_flags(const std::vector<std::string>& args);

std::string run_flags_help();

}  // namespace blis::bindings
