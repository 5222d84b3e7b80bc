// Flags every scenario file takes without declaring them with blis.params (docs/scenario-reference.md,
// "Universal flags"): `blis s.lua --seed 7 --horizon 60000000 --results-path out.json`. Each sets one
// scenario key after the script has returned its blis.scenario{...}, so it overrides what the
// script wrote. A parameter the script declares under the same name is the script's own and takes
// the value instead (blis.params). One row per flag in universal_flags.cpp: adding a flag that
// sets a scenario key is one line there.
#pragma once

#include <cstdint>
#include <limits>
#include <lua.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace blis::bindings {

enum class UniversalKind {
  kInteger,  // an int64 in decimal ("-12", "9223372036854775807")
  kString,   // any text
};

inline constexpr int64_t kNoMinimum = std::numeric_limits<int64_t>::min();

struct UniversalFlag {
  const char* name;        // the flag without "--": "results-path"
  const char* key;         // the scenario key it sets; dots name nested keys ("output.file")
  UniversalKind kind;
  const char* value_name;  // in --help: "--seed N"
  const char* help;
  int64_t minimum = kNoMinimum;  // kInteger: the smallest value taken (checked here, so the
                                 // message names the flag rather than a line of the script)
};

std::span<const UniversalFlag> universal_flags();

// Sets flag.key in the scenario table at `index` from the command line's text (nullopt: the flag
// was given bare, with no value). Throws blis::Error "<origin>: ..." for a missing or bad value;
// the scenario's own checks (blis.scenario's types, the resolver's ranges) still apply after.
void set_universal_flag(lua_State* L, int index, const UniversalFlag& flag, const std::optional<std::string>& text,
                        const std::string& origin);

// The "universal flags" block of `blis s.lua --help`.
std::string universal_flags_help();

}  // namespace blis::bindings
