// One point of an experiment sweep, run in a fresh Lua state (experiment_runner.h): the script
// re-runs in "worker mode" up to the point's ex:run(), which simulates that one point and hands
// back only numbers, so no Lua object ever crosses between states or threads.
#include "bindings/experiment_point.h"

#include <lua.hpp>
#include <set>

#include "bindings/report_hook.h"
#include "bindings/scenario_loader.h"
#include "engine/core/error.h"

namespace blis::bindings {

namespace {

struct WorkerState {
  std::string script;
  bool done = false;
  std::vector<std::pair<std::string, double>> metrics;
  std::vector<std::string> warnings;
  std::string error;  // kept while Lua raises it
};

WorkerState& worker_of(lua_State* L) { return *static_cast<WorkerState*>(lua_touserdata(L, lua_upvalueindex(1))); }

// blis._simulate(scenario): runs the point's scenario, returns the results table (as a report
// hook sees it).
int lua_simulate(lua_State* L) {
  WorkerState& w = worker_of(L);
  try {
    config::ScenarioSpec spec = spec_from_table(L, 1, w.script);
    spec.collect_results = true;
    LuaVm::UntrackedSection untracked(LuaVm::of(L));
    std::set<std::string> seen;
    const DiagnosticSink sink = [&](LogLevel level, const std::string& message) {
      if (level <= LogLevel::Info) return;
      if (seen.insert(message).second) w.warnings.push_back(message);
    };
    const SimulationOutput out = run_scenario(spec, sink);
    if (!out.file_errors.empty()) throw Error(out.file_errors.front());  // the point failed
    push_run_results(L, *out.results);
    return 1;
  } catch (const Error& e) {
    w.error = e.what();
  } catch (const std::exception& e) {
    w.error = std::string("internal error: ") + e.what();
  }
  lua_pushlstring(L, w.error.data(), w.error.size());  // no position: the message names its own
  return lua_error(L);
}

// blis._point_done(metrics, names): the point's numbers; stops the worker's script.
int lua_point_done(lua_State* L) {
  WorkerState& w = worker_of(L);
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checktype(L, 2, LUA_TTABLE);
  const size_t n = lua_objlen(L, 2);
  for (size_t i = 1; i <= n; ++i) {
    lua_rawgeti(L, 2, static_cast<int>(i));
    const std::string name = lua_tostring(L, -1);
    lua_getfield(L, 1, name.c_str());
    w.metrics.emplace_back(name, lua_tonumber(L, -1));
    lua_pop(L, 2);
  }
  w.done = true;
  return luaL_error(L, "blis: experiment point finished");
}

// Output of code that runs again in every worker (everything before ex:run()) goes nowhere.
constexpr const char* kSilenceOutput = R"lua(
  local function nothing() end
  print = nothing
  io.write = nothing
  local sink = {}
  function sink.write(self) return self end
  function sink.flush(self) return self end
  function sink.setvbuf() return true end
  io.stdout = sink
)lua";

}  // namespace

void silence_lua_output(LuaVm& vm) {
  vm.load_string(kSilenceOutput, "=blis worker");
  vm.call(0, 0);
}

void push_raw_results(lua_State* L, const std::vector<PointResult>& points) {
  lua_createtable(L, static_cast<int>(points.size()), 0);
  for (size_t i = 0; i < points.size(); ++i) {
    const PointResult& p = points[i];
    lua_createtable(L, 0, 2);
    if (!p.error.empty()) {
      lua_pushlstring(L, p.error.data(), p.error.size());
      lua_setfield(L, -2, "error");
    }
    if (p.ran && p.error.empty()) {
      lua_createtable(L, 0, static_cast<int>(p.metrics.size()));
      for (const auto& [name, value] : p.metrics) {
        lua_pushnumber(L, value);
        lua_setfield(L, -2, name.c_str());
      }
      lua_setfield(L, -2, "metrics");
    }
    lua_rawseti(L, -2, static_cast<int>(i + 1));
  }
}

PointResult run_point(const std::string& script, const std::vector<std::string>& params, int run, int point,
                      const std::string& description, const std::vector<std::vector<PointResult>>& prior) {
  PointResult result;
  WorkerState state;
  state.script = script;
  try {
    LuaVm vm;
    lua_State* L = vm.state();
    silence_lua_output(vm);
    vm.require("blis");
    lua_createtable(L, 0, 4);
    lua_pushinteger(L, run);
    lua_setfield(L, -2, "run");
    lua_pushinteger(L, point);
    lua_setfield(L, -2, "point");
    lua_pushlstring(L, description.data(), description.size());
    lua_setfield(L, -2, "description");
    lua_createtable(L, static_cast<int>(prior.size()), 0);
    for (size_t r = 0; r < prior.size(); ++r) {
      push_raw_results(L, prior[r]);
      lua_rawseti(L, -2, static_cast<int>(r + 1));
    }
    lua_setfield(L, -2, "prior");
    lua_setfield(L, -2, "_worker");
    lua_pushlightuserdata(L, &state);
    lua_pushcclosure(L, lua_simulate, 1);
    lua_setfield(L, -2, "_simulate");
    lua_pushlightuserdata(L, &state);
    lua_pushcclosure(L, lua_point_done, 1);
    lua_setfield(L, -2, "_point_done");
    lua_pop(L, 1);
    try {
      run_script_file(vm, script, params);
      lua_pop(L, 1);
      if (!state.done) result.error = "the script ended before this point's ex:run() (does the script change between runs?)";
    } catch (const Error& e) {
      if (!state.done) result.error = e.what();
    }
  } catch (const Error& e) {
    result.error = e.what();
  } catch (const std::exception& e) {
    result.error = std::string("internal error: ") + e.what();
  }
  result.ran = true;
  if (state.done && result.error.empty()) result.metrics = std::move(state.metrics);
  result.warnings = std::move(state.warnings);
  return result;
}

}  // namespace blis::bindings
