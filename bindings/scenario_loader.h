// The only place Lua values become engine configuration: a scenario table (validated by
// blis.scenario) is read into a config::ScenarioSpec. Both front ends come through here.
#pragma once

#include <string>
#include <vector>

#include "bindings/lua_vm.h"
#include "engine/config/scenario_spec.h"

namespace blis::bindings {

// Runs a scenario chunk (already loaded on the stack by the caller, or a file) with the given
// `--name=value` parameter overrides and converts the returned scenario table.
config::ScenarioSpec load_scenario_file(LuaVm& vm, const std::string& path,
                                        const std::vector<std::string>& param_args);
config::ScenarioSpec load_scenario_source(LuaVm& vm, const std::string& source, const std::string& chunkname,
                                          const std::string& origin);
// Reads the table at stack index `index`.
config::ScenarioSpec spec_from_table(lua_State* L, int index, const std::string& origin);

// The declared parameters of the last scenario run in `vm`, formatted for --help.
std::string declared_params_help(LuaVm& vm);

}  // namespace blis::bindings
