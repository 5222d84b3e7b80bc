// The flag table of `blis run` (engine-core §8.1, cluster-workload-trace §G): each flag's type,
// where its value goes in the generated scenario, and its --help line. run_flags.cpp parses the
// command line against it; run_flag_values.h holds the parsed values.
#pragma once

#include <span>
#include <string_view>

namespace blis::bindings {

enum class FlagType { kString, kInt, kFloat, kFloatList, kBool };

// Where a flag's value goes in the scenario table.
enum class Target {
  kScenario,  // `key` is a path in the scenario table
  kWorkload,  // `key` is a path in the workload table, for the kinds in `kinds`
  kFrontEnd,  // read by this parser itself (--workload, --print-scenario, ...)
};

// Workload kinds a workload flag applies to. The reference ignores the length flags for presets
// and traces, and --rate for traces and specs; they are left out of those tables likewise.
constexpr unsigned kDistribution = 1, kPreset = 2, kSpec = 4;

struct FlagDef {
  const char* name;
  FlagType type;
  Target target;
  const char* key;
  unsigned kinds;
  const char* default_text;  // as the reference documents it; for --help only
  const char* help;
};


// Every flag, in the reference's order, then blis's own.
std::span<const FlagDef> run_flag_table();

// The flag named `name` (without "--"), or nullptr.
const FlagDef* find_flag(std::string_view name);

}  // namespace blis::bindings
