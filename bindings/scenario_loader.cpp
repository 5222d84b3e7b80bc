#include "bindings/scenario_loader.h"

#include <fmt/format.h>

#include <filesystem>

#include <lua.hpp>
#include <optional>

#include "bindings/lua_sandbox.h"
#include "engine/core/error.h"

namespace blis::bindings {

namespace {

// Command-line parameter overrides in their order: name and value (none for a bare --name).
using ParamArgs = std::vector<std::pair<std::string, std::optional<std::string>>>;

// `--name=value` and `--name`; anything else is a usage error.
ParamArgs parse_param_args(const std::vector<std::string>& args, const std::string& path) {
  ParamArgs out;
  for (const std::string& arg : args) {
    if (arg.size() < 3 || arg.compare(0, 2, "--") != 0 || arg[2] == '=') {
      throw Error(fmt::format("unexpected argument '{}': parameters of {} are given as --name=value", arg, path));
    }
    const auto eq = arg.find('=');
    if (eq == std::string::npos) out.emplace_back(arg.substr(2), std::nullopt);
    else out.emplace_back(arg.substr(2, eq - 2), arg.substr(eq + 1));
  }
  return out;
}

// Pushes blis._loader[name].
void push_loader_function(LuaVm& vm, const char* name) {
  lua_State* L = vm.state();
  vm.require("blis");
  lua_getfield(L, -1, "_loader");
  lua_getfield(L, -1, name);
  lua_replace(L, -3);
  lua_pop(L, 1);
}

// Runs the chunk on top of the stack as a scenario, `blis` set as a global and the parameter
// overrides installed, and leaves its first result on the stack.
void run_scenario_chunk(LuaVm& vm, const ParamArgs& params, const std::string& origin) {
  lua_State* L = vm.state();
  vm.require("blis");
  lua_setglobal(L, "blis");

  push_loader_function(vm, "begin");
  lua_newtable(L);
  for (const auto& [name, value] : params) {  // a repeated --name: the last one wins
    if (value) lua_pushlstring(L, value->data(), value->size());
    else lua_pushboolean(L, 1);
    lua_setfield(L, -2, name.c_str());
  }
  vm.call(1, 0);

  vm.call_user_code(0, 1, "the top level of " + origin);
}

// Throws when the command line overrode a parameter the scenario never declared.
void check_unknown_params(LuaVm& vm, const std::string& origin) {
  lua_State* L = vm.state();
  push_loader_function(vm, "unknown_params");
  vm.call(0, 1);
  if (lua_type(L, -1) == LUA_TSTRING) {
    const std::string message = lua_tostring(L, -1);
    lua_pop(L, 1);
    throw Error(fmt::format("{}: {}; see blis {} --help", origin, message, origin));
  }
  lua_pop(L, 1);
}

// The result on top of the stack must be a table made by blis.scenario.
void check_is_scenario(LuaVm& vm, const std::string& origin) {
  lua_State* L = vm.state();
  push_loader_function(vm, "is_scenario");
  lua_pushvalue(L, -2);
  vm.call(1, 1);
  const bool is_scenario = lua_toboolean(L, -1) != 0;
  lua_pop(L, 1);
  if (!is_scenario) {
    const std::string returned = lua_isnil(L, -1)                  ? "nothing"
                                 : lua_type(L, -1) == LUA_TTABLE ? "a table not made by blis.scenario"
                                                                 : std::string("a ") + luaL_typename(L, -1);
    throw Error(fmt::format("{}: a scenario file must end with `return blis.scenario{{...}}` (it returned {})",
                            origin, returned));
  }
}

config::ScenarioSpec finish(LuaVm& vm, const std::string& origin) {
  lua_State* L = vm.state();
  check_unknown_params(vm, origin);
  check_is_scenario(vm, origin);
  config::ScenarioSpec spec = spec_from_table(L, -1, origin);
  lua_pop(L, 1);
  return spec;
}

// `require "scripts.scorers.queue_depth"` from a scenario: modules are looked up next to the
// scenario file and in its parent directory (the project root for scenarios/*.lua) before
// Lua's defaults (the working directory first).
void add_scenario_search_path(LuaVm& vm, const std::string& path) {
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  const std::string here = dir.empty() ? "." : dir.string();
  const std::string parent = (dir.empty() ? std::filesystem::path("..") : dir / "..").string();
  lua_State* L = vm.state();
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "path");
  const std::string old_path = lua_tostring(L, -1);
  lua_pop(L, 1);
  const std::string new_path = "./?.lua;" + here + "/?.lua;" + parent + "/?.lua;" + old_path;
  lua_pushlstring(L, new_path.data(), new_path.size());
  lua_setfield(L, -2, "path");
  lua_pop(L, 1);
}

}  // namespace

config::ScenarioSpec load_scenario_file(LuaVm& vm, const std::string& path,
                                        const std::vector<std::string>& param_args) {
  run_script_file(vm, path, param_args);
  return finish_scenario(vm, path);
}

void run_script_file(LuaVm& vm, const std::string& path, const std::vector<std::string>& param_args) {
  const ParamArgs params = parse_param_args(param_args, path);
  const int top = lua_gettop(vm.state());
  try {
    add_scenario_search_path(vm, path);
    vm.load_file(path, "scenario file");
    sandbox_chunk(vm, path);
    run_scenario_chunk(vm, params, path);
  } catch (...) {
    lua_settop(vm.state(), top);
    throw;
  }
}

config::ScenarioSpec finish_scenario(LuaVm& vm, const std::string& path) {
  const int top = lua_gettop(vm.state()) - 1;
  try {
    return finish(vm, path);
  } catch (...) {
    lua_settop(vm.state(), top);
    throw;
  }
}

config::ScenarioSpec load_scenario_source(LuaVm& vm, std::string_view source, const std::string& origin) {
  const int top = lua_gettop(vm.state());
  try {
    vm.load_string(source, "=" + origin);
    sandbox_chunk(vm, "");
    run_scenario_chunk(vm, ParamArgs{}, origin);
    return finish(vm, origin);
  } catch (...) {
    lua_settop(vm.state(), top);
    throw;
  }
}

namespace {

// For --help on an experiment script: its first sweep ends the script (nothing is simulated);
// the parameters are declared by then.
int stop_at_sweep(lua_State* L) {
  *static_cast<bool*>(lua_touserdata(L, lua_upvalueindex(1))) = true;
  lua_pushliteral(L, "blis: --help stops before the sweep");
  return lua_error(L);
}

}  // namespace

std::string scenario_help(LuaVm& vm, const std::string& path) {
  lua_State* L = vm.state();
  const int top = lua_gettop(L);
  bool stopped = false;
  try {
    add_scenario_search_path(vm, path);
    vm.require("blis");
    lua_pushlightuserdata(L, &stopped);
    lua_pushcclosure(L, stop_at_sweep, 1);
    lua_setfield(L, -2, "_sweep");
    lua_pop(L, 1);
    vm.load_file(path, "scenario file");
    sandbox_chunk(vm, path);
    try {
      run_scenario_chunk(vm, ParamArgs{}, path);
    } catch (const Error&) {
      if (!stopped) throw;
      lua_pushnil(L);
    }
    lua_pop(L, 1);
    push_loader_function(vm, "params_help");
    vm.call(0, 1);
    const std::string lines = lua_tostring(L, -1);
    lua_pop(L, 1);
    std::string help = fmt::format("usage: blis {} [--name=value ...]\n\n", path);
    const std::string experiment =
        stopped ? "\nThis is an experiment script; it also takes --jobs N, --csv FILE, --json FILE, --strict,\n"
                  "--shard I/N [--shard-out FILE] (docs/experiments.md).\n"
                : "";
    if (lines.empty()) return help + "This script declares no parameters (blis.params{...}).\n" + experiment;
    return help + "parameters (default values shown):\n" + lines + "\n" + experiment;
  } catch (...) {
    lua_settop(L, top);
    throw;
  }
}

}  // namespace blis::bindings
