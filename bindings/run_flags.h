// `blis run`, the reference-compatible front end (engine-core §8.1, cluster-workload-trace §G).
// The flags are parsed with Go pflag's rules and turned into the Lua scenario a user would
// write; that source then goes through the same loader as any scenario file
// (load_scenario_source), so both front ends share one configuration path, and
// `blis run ... --print-scenario` shows exactly the scenario that would run.
#pragma once

#include <string>
#include <vector>

namespace blis::bindings {

struct RunCommand {
  // `return blis.scenario{...}` holding exactly the flags given: an absent flag stays absent
  // (the resolver applies the reference defaults and knows what was explicit).
  std::string scenario_source;
  bool print_scenario = false;  // --print-scenario: show scenario_source instead of running it
  bool help = false;            // --help / -h
  // Arguments that are not flags. The reference (cobra) accepts and ignores them; blis ignores
  // them too but warns, since `--summarize-trace false` leaves "false" here.
  std::vector<std::string> ignored_arguments;
};

// Throws blis::Error with pflag's wording: "unknown flag: --x", "flag needs an argument: --rate",
// `invalid argument "abc" for "--num-requests" flag: strconv.ParseInt: parsing "abc": invalid
// syntax`, and "--workload traces requires --workload-traces-filepath".
RunCommand parse_run_flags(const std::vector<std::string>& args);

// `blis run --help`.
std::string run_flags_help();

}  // namespace blis::bindings
