// One command-line option's value, given as `--name value` or `--name=value`: the one spelling
// rule of every blis subcommand's own flags.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace blis::bindings {

// When args[i] is --name (then the value is args[i + 1], and i moves past it) or --name=value:
// the value. Otherwise nullopt. Throws Error "--name needs a value" when --name ends the line.
std::optional<std::string> flag_value(const std::vector<std::string>& args, size_t& i, const std::string& name);

}  // namespace blis::bindings
