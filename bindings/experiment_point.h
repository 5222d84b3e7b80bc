// One point of an experiment sweep in a fresh Lua state (experiment_point.cpp), and the raw
// results table both the worker and the main state's blis._sweep hand to Lua.
#pragma once

#include <string>
#include <vector>

#include <lua.hpp>

#include "bindings/experiment_runner.h"

namespace blis::bindings {

// Runs one point in a fresh Lua state on the calling thread: the script with `params` re-runs up
// to run `run`'s ex:run(), which simulates point `point`; `prior` are the earlier sweeps' results.
// A search's rounds share one run: its worker finds the point by `description` (blis.search.lua).
// Never throws: a failure is the result's error.
PointResult run_point(const std::string& script, const std::vector<std::string>& params, int run, int point,
                      const std::string& description, const std::vector<std::vector<PointResult>>& prior);

// Makes print, io.write and io.stdout of a worker's Lua state discard their output: a run on a
// worker thread must not interleave text with the main thread's tables.
void silence_lua_output(LuaVm& vm);

// Pushes { { metrics = {name = value, ...} } or { error = "..." }, ... }, one entry per point.
void push_raw_results(lua_State* L, const std::vector<PointResult>& points);

}  // namespace blis::bindings
