#include "bindings/experiment_runner.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <lua.hpp>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "bindings/report_hook.h"
#include "bindings/scenario_loader.h"
#include "engine/core/error.h"
#include "engine/core/go_strconv.h"
#include "engine/core/json_value.h"
#include "engine/metrics/go_json.h"
#include "engine/metrics/run_results.h"

namespace blis::bindings {

namespace {

// ---- numbers in shard files: exact round trips --------------------------------------------

std::string exact_number(double v) {
  if (std::isnan(v)) return "\"nan\"";
  if (std::isinf(v)) return v > 0 ? "\"inf\"" : "\"-inf\"";
  return fmt::format("{}", v);  // shortest representation that reads back to the same double
}

std::string json_quote(const std::string& s) {
  std::string out;
  metrics::append_go_json_string(out, s);
  return out;
}

// ---- a worker: one point in a fresh Lua state ---------------------------------------------

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
                      const std::vector<std::vector<PointResult>>& prior) {
  PointResult result;
  WorkerState state;
  state.script = script;
  try {
    LuaVm vm;
    lua_State* L = vm.state();
    vm.load_string(kSilenceOutput, "=blis worker");
    vm.call(0, 0);
    vm.require("blis");
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, run);
    lua_setfield(L, -2, "run");
    lua_pushinteger(L, point);
    lua_setfield(L, -2, "point");
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

std::string with_run_suffix(const std::string& path, int run) {
  if (run == 1) return path;
  const std::filesystem::path p(path);
  return (p.parent_path() / (p.stem().string() + "-" + std::to_string(run) + p.extension().string())).string();
}

}  // namespace

// ---- flags ---------------------------------------------------------------------------------

ExperimentOptions take_experiment_flags(std::vector<std::string>& args) {
  ExperimentOptions o;
  std::vector<std::string> rest;
  const auto value_of = [&](size_t& i, const std::string& arg, const std::string& name) -> std::optional<std::string> {
    if (arg == "--" + name) {
      if (i + 1 >= args.size()) throw Error(fmt::format("--{} needs a value", name));
      return args[++i];
    }
    if (arg.rfind("--" + name + "=", 0) == 0) return arg.substr(name.size() + 3);
    return std::nullopt;
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (auto v = value_of(i, arg, "jobs")) {
      int64_t jobs = 0;
      if (core::go::parse_int(*v, jobs) != core::go::NumError::kNone || jobs < 1 || jobs > 1024) {
        throw Error(fmt::format("--jobs needs a number of worker threads from 1 to 1024, got {}", core::go::quote(*v)));
      }
      o.jobs = static_cast<int>(jobs);
    } else if (auto v = value_of(i, arg, "shard")) {
      const size_t slash = v->find('/');
      int64_t index = -1, count = 0;
      if (slash == std::string::npos ||
          core::go::parse_int(v->substr(0, slash), index) != core::go::NumError::kNone ||
          core::go::parse_int(v->substr(slash + 1), count) != core::go::NumError::kNone || count < 1 ||
          count > 1000000 || index < 0 || index >= count) {
        throw Error(fmt::format("--shard needs I/N with 0 <= I < N (e.g. --shard 0/4), got {}", core::go::quote(*v)));
      }
      o.shard_index = static_cast<int>(index);
      o.shard_count = static_cast<int>(count);
    } else if (auto v = value_of(i, arg, "shard-out")) {
      o.shard_out = *v;
    } else if (auto v = value_of(i, arg, "csv")) {
      o.results_csv = *v;
    } else if (auto v = value_of(i, arg, "json")) {
      o.results_json = *v;
    } else if (arg == "--strict") {
      o.strict = true;
    } else {
      rest.push_back(arg);
    }
  }
  if (!o.shard_out.empty() && o.shard_index < 0) throw Error("--shard-out needs --shard I/N");
  args = std::move(rest);
  return o;
}

// ---- the session ---------------------------------------------------------------------------

struct ExperimentSession::Impl {
  ExperimentSession* self;
  std::string script;
  std::vector<std::string> params;
  ExperimentOptions options;
  DiagnosticSink log;
  std::vector<std::vector<PointResult>> runs;  // every sweep so far, for workers of later ones
  std::optional<MergedSweep> merged;
  int failed_points = 0;
  std::string stop_message;  // kept while Lua raises it

  void mark_stopped() { self->stopped_ = true; }
  std::vector<PointResult> sweep(int run, const std::vector<std::string>& descriptions, const std::string& fingerprint);
  void write_shard(int run, const std::vector<std::string>& descriptions, const std::string& fingerprint,
                   const std::vector<PointResult>& results) const;
};

namespace {

ExperimentSession::Impl& session_of(lua_State* L) {
  return *static_cast<ExperimentSession::Impl*>(lua_touserdata(L, lua_upvalueindex(1)));
}

std::vector<std::string> string_list(lua_State* L, int index) {
  std::vector<std::string> out;
  const size_t n = lua_objlen(L, index);
  for (size_t i = 1; i <= n; ++i) {
    lua_rawgeti(L, index, static_cast<int>(i));
    size_t length = 0;
    const char* s = lua_tolstring(L, -1, &length);
    out.emplace_back(s != nullptr ? std::string(s, length) : std::string());
    lua_pop(L, 1);
  }
  return out;
}

std::string fingerprint_of(int run, const std::vector<std::string>& descriptions, const std::vector<std::string>& names) {
  std::string text = fmt::format("run {}\n", run);
  for (const std::string& d : descriptions) text += d + "\n";
  text += "collect";
  for (const std::string& n : names) text += " " + n;
  return fmt::format("{:016x}", XXH64(text.data(), text.size(), 0));
}

// blis._sweep(run, descriptions, names) -> raw results, { csv = path, json = path }
int lua_sweep(lua_State* L) {
  ExperimentSession::Impl& s = session_of(L);
  const int run = static_cast<int>(luaL_checkinteger(L, 1));
  luaL_checktype(L, 2, LUA_TTABLE);
  luaL_checktype(L, 3, LUA_TTABLE);
  std::vector<PointResult> results;
  bool failed = false;
  try {
    const std::vector<std::string> descriptions = string_list(L, 2);
    const std::vector<std::string> names = string_list(L, 3);
    const std::string fingerprint = fingerprint_of(run, descriptions, names);
    {
      LuaVm::UntrackedSection untracked(LuaVm::of(L));
      results = s.sweep(run, descriptions, fingerprint);
    }
    if (s.options.shard_index >= 0) {
      s.write_shard(run, descriptions, fingerprint, results);
      s.stop_message = "blis: shard written";
      s.mark_stopped();
      failed = true;
    }
  } catch (const Error& e) {
    s.stop_message = e.what();
    failed = true;
  }
  if (failed) return luaL_error(L, "%s", s.stop_message.c_str());
  push_raw_results(L, results);
  lua_createtable(L, 0, 2);
  if (!s.options.results_csv.empty()) {
    const std::string path = with_run_suffix(s.options.results_csv, run);
    lua_pushlstring(L, path.data(), path.size());
    lua_setfield(L, -2, "csv");
  }
  if (!s.options.results_json.empty()) {
    const std::string path = with_run_suffix(s.options.results_json, run);
    lua_pushlstring(L, path.data(), path.size());
    lua_setfield(L, -2, "json");
  }
  return 2;
}

}  // namespace

std::vector<PointResult> ExperimentSession::Impl::sweep(int run, const std::vector<std::string>& descriptions,
                                                        const std::string& fingerprint) {
  self->runs_ = run;
  const int n = static_cast<int>(descriptions.size());
  std::vector<PointResult> results(static_cast<size_t>(n));
  if (merged && merged->run == run) {
    if (merged->fingerprint != fingerprint || static_cast<int>(merged->points.size()) != n) {
      throw Error(fmt::format("the shard files do not belong to this experiment as the script now defines it "
                              "(different points or metrics): run the shards again"));
    }
    results = merged->points;
  } else {
    std::vector<int> to_run;
    for (int k = 0; k < n; ++k) {
      if (options.shard_index < 0 || k % options.shard_count == options.shard_index) to_run.push_back(k);
    }
    const int jobs = std::max(1, std::min<int>(options.jobs > 0 ? options.jobs
                                                                 : static_cast<int>(std::thread::hardware_concurrency()),
                                               static_cast<int>(to_run.size())));
    std::atomic<size_t> next{0};
    std::atomic<int> done{0};
    std::mutex mutex;
    std::condition_variable finished;
    const auto work = [&] {
      while (true) {
        const size_t i = next.fetch_add(1);
        if (i >= to_run.size()) break;
        const int k = to_run[i];
        results[static_cast<size_t>(k)] = run_point(script, params, run, k, runs);
        {
          std::lock_guard<std::mutex> lock(mutex);
          ++done;
        }
        finished.notify_one();
      }
    };
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int j = 0; j < jobs; ++j) threads.emplace_back(work);
    {
      std::unique_lock<std::mutex> lock(mutex);
      const int total = static_cast<int>(to_run.size());
      double last_drawn = -1;
      while (done.load() < total) {
        finished.wait_for(lock, std::chrono::milliseconds(250));
        if (!options.progress) continue;
        const double elapsed =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (elapsed - last_drawn < 0.2) continue;  // a few redraws a second are enough
        last_drawn = elapsed;
        const int d = done.load();
        const std::string left = d > 0 ? fmt::format(", about {:.0f} s left", elapsed / d * (total - d)) : "";
        std::fprintf(stderr, "\r\033[Kexperiment %d: %d/%d points, %.1f s%s", run, d, total, elapsed, left.c_str());
        std::fflush(stderr);
      }
    }
    for (auto& t : threads) t.join();
    if (options.progress) {
      std::fputs("\r\033[K", stderr);
      std::fflush(stderr);
    }
  }
  // Warnings once (in point order), then the failed points.
  std::set<std::string> warned;
  for (const PointResult& p : results) {
    for (const std::string& w : p.warnings) {
      if (warned.insert(w).second) log(LogLevel::Warning, w);
    }
  }
  // Each distinct error once, with the first point it stopped; the others that failed the same
  // way are listed after it (a mistake in the script fails every point alike).
  std::vector<std::pair<std::string, std::vector<int>>> errors;
  for (int k = 0; k < n; ++k) {
    const PointResult& p = results[static_cast<size_t>(k)];
    if (p.error.empty()) continue;
    ++failed_points;
    auto it = std::find_if(errors.begin(), errors.end(), [&](const auto& e) { return e.first == p.error; });
    if (it == errors.end()) errors.emplace_back(p.error, std::vector<int>{k});
    else it->second.push_back(k);
  }
  for (const auto& [message, points] : errors) {
    log(LogLevel::Error, fmt::format("experiment {}, point {} ({}): {}", run, points.front(),
                                     descriptions[static_cast<size_t>(points.front())], message));
    if (points.size() == 1) continue;
    std::string others;
    for (size_t i = 1; i < points.size() && i <= 10; ++i) {
      others += fmt::format("{}{} ({})", i > 1 ? ", " : "", points[i], descriptions[static_cast<size_t>(points[i])]);
    }
    if (points.size() > 11) others += fmt::format(" and {} more", points.size() - 11);
    log(LogLevel::Error, fmt::format("experiment {}: the same error stopped point{} {}", run,
                                     points.size() > 2 ? "s" : "", others));
  }
  runs.push_back(results);
  return results;
}

void ExperimentSession::Impl::write_shard(int run, const std::vector<std::string>& descriptions,
                                          const std::string& fingerprint,
                                          const std::vector<PointResult>& results) const {
  std::string out = "{\n";
  out += "  \"blis_experiment_shard\": 1,\n";
  out += fmt::format("  \"script\": {},\n", json_quote(script));
  out += "  \"params\": [";
  for (size_t i = 0; i < params.size(); ++i) out += (i ? ", " : "") + json_quote(params[i]);
  out += "],\n";
  out += fmt::format("  \"run\": {},\n  \"shard\": {},\n  \"shards\": {},\n  \"points\": {},\n", run,
                     options.shard_index, options.shard_count, descriptions.size());
  out += fmt::format("  \"fingerprint\": {},\n  \"results\": [", json_quote(fingerprint));
  bool first = true;
  for (size_t k = 0; k < results.size(); ++k) {
    const PointResult& p = results[k];
    if (!p.ran) continue;
    out += first ? "\n" : ",\n";
    first = false;
    out += fmt::format("    {{\"point\": {}, \"description\": {}, \"metrics\": [", k, json_quote(descriptions[k]));
    for (size_t m = 0; m < p.metrics.size(); ++m) {
      out += fmt::format("{}[{}, {}]", m ? ", " : "", json_quote(p.metrics[m].first), exact_number(p.metrics[m].second));
    }
    out += "], \"warnings\": [";
    for (size_t w = 0; w < p.warnings.size(); ++w) out += (w ? ", " : "") + json_quote(p.warnings[w]);
    out += fmt::format("], \"error\": {}}}", p.error.empty() ? "null" : json_quote(p.error));
  }
  out += "\n  ]\n}\n";
  std::string path = options.shard_out;
  if (path.empty()) {
    const std::filesystem::path p(script);
    path = fmt::format("{}.shard-{}-of-{}.json", p.stem().string(), options.shard_index, options.shard_count);
  }
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << out;
  if (!file.flush()) throw Error(fmt::format("cannot write the shard file {}", path));
  int count = 0;
  for (const PointResult& p : results) count += p.ran ? 1 : 0;
  std::fprintf(stderr, "blis: shard %d/%d: %d of %zu points written to %s; combine the shards with: blis merge\n",
               options.shard_index, options.shard_count, count, descriptions.size(), path.c_str());
}

ExperimentSession::ExperimentSession(std::string script, std::vector<std::string> param_args,
                                     ExperimentOptions options, DiagnosticSink log)
    : impl_(std::make_unique<Impl>()) {
  impl_->self = this;
  impl_->script = std::move(script);
  impl_->params = std::move(param_args);
  impl_->options = std::move(options);
  impl_->log = std::move(log);
}

ExperimentSession::~ExperimentSession() = default;

void ExperimentSession::install(LuaVm& vm) {
  lua_State* L = vm.state();
  vm.require("blis");
  lua_pushlightuserdata(L, impl_.get());
  lua_pushcclosure(L, lua_sweep, 1);
  lua_setfield(L, -2, "_sweep");
  lua_pop(L, 1);
}

void ExperimentSession::use_merged(MergedSweep merged) { impl_->merged = std::move(merged); }

int ExperimentSession::finish(LuaVm& vm) const {
  lua_pop(vm.state(), 1);
  if (impl_->failed_points > 0) return 1;
  if (!impl_->options.strict) return 0;
  lua_State* L = vm.state();
  vm.require("blis");
  lua_getfield(L, -1, "_loader");
  lua_getfield(L, -1, "verdicts");
  vm.call(0, 2);
  const auto refuted = lua_tointeger(L, -1);
  lua_pop(L, 4);
  return refuted > 0 ? 3 : 0;
}

// ---- merging shard files -------------------------------------------------------------------

// Every point of a sweep is a simulation: far fewer than this in practice. The bound keeps a
// damaged "points" from allocating the merged sweep's table out of memory.
constexpr int64_t kMaxMergedPoints = 1'000'000;

// A shard file's number `key`, which must be a whole number in [lo, hi]: casting anything else
// (1e30, NaN, a string) would be undefined.
int64_t shard_integer(const core::JsonValue& v, const std::string& file, const char* key, int64_t lo, int64_t hi) {
  if (v.kind != core::JsonValue::Kind::Number || !(v.number >= static_cast<double>(lo)) ||
      !(v.number <= static_cast<double>(hi)) || v.number != std::floor(v.number)) {
    throw Error(fmt::format("{}: not a shard file (\"{}\" must be a whole number in [{}, {}])", file, key, lo, hi));
  }
  return static_cast<int64_t>(v.number);
}

MergeInput read_shards(const std::vector<std::string>& files) {
  if (files.empty()) throw Error("blis merge needs the shard files (SHARD.json ...)");
  MergeInput in;
  int count = -1;
  int64_t points = -1;
  std::map<int, std::string> seen;  // shard index -> file
  for (const std::string& file : files) {
    std::ifstream stream(file, std::ios::binary);
    if (!stream) throw Error(fmt::format("cannot read shard file {}", file));
    std::ostringstream buffer;
    buffer << stream.rdbuf();
    core::JsonValue doc;
    try {
      doc = core::parse_json(buffer.str());
    } catch (const Error& e) {
      throw Error(fmt::format("{}: not a shard file: {}", file, e.what()));
    }
    const auto member = [&](const char* key) -> const core::JsonValue& {
      for (const auto& [k, v] : doc.members) {
        if (k == key) return v;
      }
      throw Error(fmt::format("{}: not a shard file (no \"{}\")", file, key));
    };
    if (doc.kind != core::JsonValue::Kind::Object) throw Error(fmt::format("{}: not a shard file", file));
    member("blis_experiment_shard");
    const std::string script = member("script").text;
    std::vector<std::string> params;
    for (const auto& p : member("params").items) params.push_back(p.text);
    constexpr int64_t kIntMax = std::numeric_limits<int>::max();
    const int run = static_cast<int>(shard_integer(member("run"), file, "run", 1, kIntMax));
    const int shards = static_cast<int>(shard_integer(member("shards"), file, "shards", 1, kIntMax));
    const int index = static_cast<int>(shard_integer(member("shard"), file, "shard", 0, shards - 1));
    const int64_t n = shard_integer(member("points"), file, "points", 0, kMaxMergedPoints);
    const std::string fingerprint = member("fingerprint").text;
    if (count < 0) {
      in.script = script;
      in.param_args = params;
      in.sweep.run = run;
      in.sweep.fingerprint = fingerprint;
      in.sweep.points.assign(static_cast<size_t>(n), PointResult{});
      count = shards;
      points = n;
    } else if (script != in.script || params != in.param_args || run != in.sweep.run ||
               fingerprint != in.sweep.fingerprint || shards != count || n != points) {
      throw Error(fmt::format("{} belongs to a different sweep than {} (script, parameters or points differ)", file,
                              files.front()));
    }
    if (const auto [it, fresh] = seen.emplace(index, file); !fresh) {
      throw Error(fmt::format("{} and {} are both shard {}/{}", it->second, file, index, count));
    }
    for (const auto& r : member("results").items) {
      PointResult p;
      p.ran = true;
      int64_t k = -1;
      for (const auto& [key, v] : r.members) {
        if (key == "point") k = shard_integer(v, file, "point", -kIntMax, kIntMax);  // range checked below
        else if (key == "error" && v.kind == core::JsonValue::Kind::String) p.error = v.text;
        else if (key == "warnings") for (const auto& w : v.items) p.warnings.push_back(w.text);
        else if (key == "metrics") {
          for (const auto& pair : v.items) {
            if (pair.items.size() != 2) throw Error(fmt::format("{}: a malformed metric", file));
            const core::JsonValue& value = pair.items[1];
            double x = value.number;
            if (value.kind == core::JsonValue::Kind::String) {
              x = value.text == "nan" ? NAN : value.text == "inf" ? INFINITY : -INFINITY;
            }
            p.metrics.emplace_back(pair.items[0].text, x);
          }
        }
      }
      if (k < 0 || k >= points || k % count != index) {
        throw Error(fmt::format("{}: point {} does not belong to shard {}/{}", file, k, index, count));
      }
      in.sweep.points[static_cast<size_t>(k)] = std::move(p);
    }
  }
  for (int i = 0; i < count; ++i) {
    if (!seen.count(i)) throw Error(fmt::format("shard {}/{} is missing (merge needs all {} shard files)", i, count, count));
  }
  return in;
}

}  // namespace blis::bindings
