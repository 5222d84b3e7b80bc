// The one configuration path (architecture.md §3): a scenario chunk runs in a LuaVm and returns
// a table made by blis.scenario{...}; spec_from_table turns that table into a
// config::ScenarioSpec. It is the only place Lua values become engine configuration: scenario
// files come through load_scenario_file, `blis run` through load_scenario_source with the
// scenario its flags describe (run_flags.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bindings/lua_vm.h"
#include "engine/config/scenario_spec.h"

namespace blis::bindings {

// Runs the scenario file at `path` with `--name=value` parameter overrides (a bare `--name`
// sets a boolean parameter). Throws Error: the file cannot be read ("cannot read scenario file
// <path>: <reason>"), a syntax or runtime error ("<path>:<line>: <message>"), a rejected key
// ("<path>:<line>: blis.scenario: unknown key 'engine.kv_blokcs' (did you mean 'kv_blocks'?)"),
// an override no blis.params declared, or a file that does not return blis.scenario{...}.
config::ScenarioSpec load_scenario_file(LuaVm& vm, const std::string& path,
                                        const std::vector<std::string>& param_args);

// Runs the script at `path` as a scenario file does (blis global, parameter overrides, user-line
// tracking) and leaves its first result on the stack. For experiment scripts, which may return
// nothing (bindings/experiment_runner.h).
void run_script_file(LuaVm& vm, const std::string& path, const std::vector<std::string>& param_args);

// After run_script_file: the result on the stack as a scenario (popped). Throws like
// load_scenario_file when it is not one.
config::ScenarioSpec finish_scenario(LuaVm& vm, const std::string& path);

// Runs scenario source text (chunk name "=<origin>", so messages read "<origin>:<line>: ...").
config::ScenarioSpec load_scenario_source(LuaVm& vm, std::string_view source, const std::string& origin);

// `blis <path> --help`: runs the scenario with its defaults and lists the parameters it declares.
std::string scenario_help(LuaVm& vm, const std::string& path);

// Converts the blis.scenario table at stack index `index` (left in place). Checks again every
// type and rejects unknown keys, naming the key path and `origin`; the result's origin is `origin`.
config::ScenarioSpec spec_from_table(lua_State* L, int index, const std::string& origin);

}  // namespace blis::bindings
