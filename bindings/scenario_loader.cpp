#include "bindings/scenario_loader.h"

#include <fmt/format.h>

#include <filesystem>

#include <lua.hpp>
#include <optional>

#include "bindings/lua_sandbox.h"
#include "bindings/universal_flags.h"
#include "engine/catalog/data_dir.h"
#include "engine/core/error.h"

namespace blis::bindings {

namespace {

// Command-line parameter overrides in their order: name and value (none for a bare --name).
using ParamArgs = std::vector<std::pair<std::string, std::optional<std::string>>>;

// `--name=value`, `--name value` and a bare `--name` (followed by another flag or nothing: true for
// a boolean parameter, "needs a value" for any other). A scenario takes no positional arguments,
// so a word after `--name` is always its value; a value that starts with "--" needs the `=` form.
ParamArgs parse_param_args(const std::vector<std::string>& args, const std::string& path) {
  ParamArgs out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.size() < 3 || arg.compare(0, 2, "--") != 0 || arg[2] == '=') {
      throw Error(fmt::format("unexpected argument '{}': parameters of {} are given as --name value or --name=value",
                              arg, path));
    }
    const auto eq = arg.find('=');
    if (eq != std::string::npos) {
      out.emplace_back(arg.substr(2, eq - 2), arg.substr(eq + 1));
    } else if (i + 1 < args.size() && args[i + 1].compare(0, 2, "--") != 0) {
      out.emplace_back(arg.substr(2), args[++i]);
    } else {
      out.emplace_back(arg.substr(2), std::nullopt);
    }
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
  lua_newtable(L);
  int n = 0;
  for (const UniversalFlag& flag : universal_flags()) {
    lua_pushstring(L, flag.name);
    lua_rawseti(L, -2, ++n);
  }
  vm.call(2, 0);

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

// The universal flags (universal_flags.h) given on the command line and declared by no
// blis.params, taken out of the parameter overrides (so they are not unknown parameters), with
// their text (nullopt: given bare).
std::vector<std::pair<const UniversalFlag*, std::optional<std::string>>> take_universal_flags(LuaVm& vm) {
  lua_State* L = vm.state();
  std::vector<std::pair<const UniversalFlag*, std::optional<std::string>>> out;
  for (const UniversalFlag& flag : universal_flags()) {
    push_loader_function(vm, "take_undeclared");
    lua_pushstring(L, flag.name);
    vm.call(1, 1);
    if (!lua_isnil(L, -1)) {
      std::optional<std::string> text;
      if (lua_type(L, -1) == LUA_TSTRING) text = std::string(lua_tostring(L, -1), lua_objlen(L, -1));
      out.emplace_back(&flag, std::move(text));
    }
    lua_pop(L, 1);
  }
  return out;
}

config::ScenarioSpec finish(LuaVm& vm, const std::string& origin) {
  lua_State* L = vm.state();
  const auto universal = take_universal_flags(vm);
  check_unknown_params(vm, origin);
  check_is_scenario(vm, origin);
  for (const auto& [flag, text] : universal) set_universal_flag(L, -1, *flag, text, origin);
  config::ScenarioSpec spec = spec_from_table(L, -1, origin);
  lua_pop(L, 1);
  return spec;
}

// `require "scripts.scorers.queue_depth"` from a scenario: modules are looked up in the working
// directory, next to the scenario file and in its parent directory (the project root for
// scenarios/*.lua), then above blis's data folders (catalog::share_folders: the checkout's root
// for build/blis, prefix/share/blis installed, or above $BLIS_DATA), so the modules blis ships
// are found from a scenario anywhere; then Lua's defaults.
void add_scenario_search_path(LuaVm& vm, const std::string& path) {
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  const std::string here = dir.empty() ? "." : dir.string();
  const std::string parent = (dir.empty() ? std::filesystem::path("..") : dir / "..").string();
  lua_State* L = vm.state();
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "path");
  const std::string old_path = lua_tostring(L, -1);
  lua_pop(L, 1);
  std::string new_path = "./?.lua;" + here + "/?.lua;" + parent + "/?.lua;";
  for (const std::string& share : catalog::share_folders()) {
    // ';' and '?' are package.path's separators and placeholder: such a folder cannot be named there.
    if (share.find_first_of(";?") == std::string::npos) new_path += share + "/?.lua;";
  }
  new_path += old_path;
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
    std::string help = fmt::format("usage: blis {} [--name value ...]\n\n", path);
    // An experiment script's points are scenarios it builds itself: the universal flags, which
    // set keys of the one scenario a scenario file returns, are not its (blis.params are).
    const std::string after = stopped ? "\nThis is an experiment script; it also takes --jobs N, --csv FILE, --json "
                                        "FILE, --html FILE,\n--strict, --shard I/N [--shard-out FILE] (docs/experiments.md).\n"
                                      : "\n" + universal_flags_help();
    if (lines.empty()) return help + "This script declares no parameters (blis.params{...}).\n" + after;
    return help + "parameters (default values shown):\n" + lines + "\n" + after;
  } catch (...) {
    lua_settop(L, top);
    throw;
  }
}

}  // namespace blis::bindings
