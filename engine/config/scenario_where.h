// Messages about values found invalid when a scenario is resolved (engine/config/resolve.cpp).
// `blis run` keeps the reference's flag-named wording ("--total-kv-blocks must be > 0, got 0"),
// which parity depends on; a scenario file names the key path and the file:line that set it
// ("scenarios/x.lua:12: scenario key 'engine.kv_blocks' must be > 0, got 0").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/config/scenario_spec.h"

namespace blis::config {

// Throws blis::Error: `flag_message` for `blis run`, else "<site>: scenario key '<key>' <problem>".
[[noreturn]] void reject(const ScenarioSpec& spec, std::string_view key, const std::string& flag_message,
                         const std::string& problem);

// " (did you mean 'round-robin'?)" when one of `names` is close to `given` (at most two edits,
// fewer for short words, or a prefix of it), else "". Ties go to the first name in byte order.
std::string did_you_mean(std::string_view given, const std::vector<std::string>& names);
// The name did_you_mean() would suggest, or nothing: for callers that word the hint themselves.
std::optional<std::string> closest_name(std::string_view given, const std::vector<std::string>& names);

}  // namespace blis::config
