// The values of the `blis run` flags given on a command line, parsed with Go pflag's rules, and
// their Lua literals for the generated scenario.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "bindings/run_flag_table.h"

namespace blis::bindings {

using FlagValue = std::variant<std::string, int64_t, double, std::vector<double>, bool>;
// Flag name (without "--") -> value; a flag not given is absent.
using FlagValues = std::map<std::string, FlagValue>;

// pflag's Value.Set for the flag's type: stores `text` as the flag's value (a float list appends
// to one given before). Throws blis::Error with pflag's "invalid argument ..." wording.
void set_flag(FlagValues& values, const FlagDef& flag, std::string_view text);

// The value as a Lua literal.
std::string literal(const FlagValue& value);

// The string value of flag `name`, or nullptr when it was not given.
const std::string* string_value(const FlagValues& values, const char* name);

}  // namespace blis::bindings
