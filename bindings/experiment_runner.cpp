// The session of an experiment script (experiment_runner.h): blis._sweep, the sweeps it runs on
// worker threads (experiment_workers.h), the shard files, merged results, and the exit status.
#include "bindings/experiment_runner.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <lua.hpp>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "bindings/experiment_html.h"
#include "bindings/experiment_point.h"
#include "bindings/experiment_workers.h"
#include "bindings/report_hook.h"
#include "bindings/shard_files.h"
#include "bindings/scenario_loader.h"
#include "engine/core/atomic_file.h"
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

// The results files of the second and later ex:run() get "-2", "-3", ... before the extension.
std::string with_run_suffix(const std::string& path, int run) {
  if (run == 1) return path;
  const std::filesystem::path p(path);
  return (p.parent_path() / (p.stem().string() + "-" + std::to_string(run) + p.extension().string())).string();
}

}  // namespace

// ---- the session ---------------------------------------------------------------------------

struct ExperimentSession::Impl {
  ExperimentSession* self;
  std::string script;
  std::vector<std::string> params;
  ExperimentOptions options;
  DiagnosticSink log;
  std::vector<std::vector<PointResult>> runs;  // every sweep so far, for workers of later ones
  std::optional<MergedSweep> merged;
  std::optional<MergedSearch> merged_search;
  std::map<int, std::vector<std::string>> search_descriptions;  // every round's points, by run
  std::map<int, std::string> search_fingerprints;
  int failed_points = 0;
  std::string stop_message;  // kept while Lua raises it
  std::optional<ExperimentHtml> html;  // --html

  void mark_stopped() { self->stopped_ = true; }
  std::vector<PointResult> sweep(int run, const std::vector<std::string>& descriptions, const std::string& fingerprint);
  std::vector<PointResult> search_round(int run, const std::vector<std::string>& descriptions,
                                        const std::string& fingerprint);
  void begin(int run, const char* what);
  void report_failures(const std::string& what, const std::vector<PointResult>& results,
                       const std::vector<std::string>& descriptions, std::set<std::string>& warned);
  std::map<int, std::set<std::string>> search_warned;  // a search's warnings, once over all its rounds
  std::vector<PointResult> run_points(int run, std::vector<int> to_run, std::vector<PointResult> results,
                                      const std::vector<std::string>& descriptions) const;
  void write_shard(int run, const std::vector<std::string>& descriptions, const std::string& fingerprint,
                   const std::vector<PointResult>& results) const;
  void write_search_shard(int run, int64_t configs) const;
  std::string shard_header(const char* marker, int run) const;
  std::string shard_path() const;
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
    // A fourth argument: a round of blis.search, keyed by the text of its definition.
    const bool search = lua_type(L, 4) == LUA_TSTRING;
    const std::string key = search ? lua_tostring(L, 4) : std::string();
    const std::string fingerprint = search ? fmt::format("{:016x}", XXH64(key.data(), key.size(), 0))
                                           : fingerprint_of(run, descriptions, names);
    // --html: the page's path is checked before the first sweep runs (an experiment script is
    // known to be one only here).
    if (search && !s.options.html.empty()) {
      throw Error("--html: blis search has no HTML page yet; its results are in --json FILE and --csv FILE "
                  "(docs/planning.md)");
    }
    if (!s.options.html.empty() && !s.html) s.html.emplace(s.options.html, s.script);
    {
      LuaVm::UntrackedSection untracked(LuaVm::of(L));
      results = search ? s.search_round(run, descriptions, fingerprint) : s.sweep(run, descriptions, fingerprint);
    }
    if (!search && s.options.shard_index >= 0) {
      s.write_shard(run, descriptions, fingerprint, results);
      s.stop_message = "blis: shard written";
      s.mark_stopped();
      failed = true;
    }
  } catch (const Error& e) {
    s.stop_message = e.what();
    failed = true;
  }
  if (failed) {  // the message alone: it names what failed, not a line of blis.experiment.lua
    lua_pushlstring(L, s.stop_message.data(), s.stop_message.size());
    return lua_error(L);
  }
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
  if (s.html) {  // Experiment:run() hands its results to blis._html_experiment
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, "html");
  }
  return 2;
}

// blis._search_shard() -> I, N with --shard I/N; nothing otherwise.
int lua_search_shard(lua_State* L) {
  const ExperimentSession::Impl& s = session_of(L);
  if (s.options.shard_index < 0) return 0;
  lua_pushinteger(L, s.options.shard_index);
  lua_pushinteger(L, s.options.shard_count);
  return 2;
}

// blis._search_write_shard(run, configs): writes the search's shard file and ends the script.
int lua_search_write_shard(lua_State* L) {
  ExperimentSession::Impl& s = session_of(L);
  const int run = static_cast<int>(luaL_checkinteger(L, 1));
  const int64_t configs = luaL_checkinteger(L, 2);
  try {
    s.write_search_shard(run, configs);
    s.stop_message = "blis: shard written";
    s.mark_stopped();
  } catch (const Error& e) {
    s.stop_message = e.what();
  }
  return luaL_error(L, "%s", s.stop_message.c_str());
}

}  // namespace

std::vector<PointResult> ExperimentSession::Impl::run_points(int run, std::vector<int> to_run,
                                                             std::vector<PointResult> results,
                                                             const std::vector<std::string>& descriptions) const {
  SweepJob job;
  job.script = script;
  job.params = params;
  job.run = run;
  job.prior = runs;
  job.descriptions = descriptions;
  job.progress = options.progress;
  const int wanted = options.jobs > 0 ? options.jobs : static_cast<int>(std::thread::hardware_concurrency());
  job.jobs = std::max(1, std::min<int>(wanted, static_cast<int>(to_run.size())));
  return run_sweep_points(job, to_run, std::move(results));
}

// Every sweep (or search round) starts here: it counts as run `run`, and a SIGINT or SIGTERM
// received before it stops it from starting.
void ExperimentSession::Impl::begin(int run, const char* what) {
  self->runs_ = run;
  install_interrupt_handlers();
  if (const int signal = interrupted_signal(); signal != 0) {
    throw Error(fmt::format("{} {} not started: the run was interrupted by {}", what, run,
                            signal == SIGINT ? "SIGINT" : "SIGTERM"));
  }
}

std::vector<PointResult> ExperimentSession::Impl::sweep(int run, const std::vector<std::string>& descriptions,
                                                        const std::string& fingerprint) {
  begin(run, "experiment");
  const int n = static_cast<int>(descriptions.size());
  std::vector<PointResult> results(static_cast<size_t>(n));
  if (merged && merged->run == run) {
    if (merged->fingerprint != fingerprint || merged->points != n) {
      throw Error(fmt::format("the shard files do not belong to this experiment as the script now defines it "
                              "(different points or metrics): run the shards again"));
    }
    for (auto& [k, p] : merged->results) results[static_cast<size_t>(k)] = std::move(p);
  } else {
    std::vector<int> to_run;
    for (int k = 0; k < n; ++k) {
      if (options.shard_index < 0 || k % options.shard_count == options.shard_index) to_run.push_back(k);
    }
    results = run_points(run, std::move(to_run), std::move(results), descriptions);
  }
  std::set<std::string> warned;
  report_failures(fmt::format("experiment {}", run), results, descriptions, warned);
  runs.push_back(results);
  return results;
}

std::vector<PointResult> ExperimentSession::Impl::search_round(int run, const std::vector<std::string>& descriptions,
                                                               const std::string& fingerprint) {
  self->searched_ = true;
  begin(run, "search round of run");
  const int n = static_cast<int>(descriptions.size());
  std::vector<PointResult> results(static_cast<size_t>(n));
  if (merged_search) {
    if (merged_search->run != run || merged_search->fingerprint != fingerprint) {
      throw Error("the shard files do not belong to this search as the script now defines it (different "
                  "configurations, SLOs, rates or seeds): run the shards again");
    }
    for (int k = 0; k < n; ++k) {
      const auto it = merged_search->results.find(descriptions[static_cast<size_t>(k)]);
      if (it == merged_search->results.end()) {
        throw Error(fmt::format("the shard files have no result for the search's point {}: run the shards again",
                                descriptions[static_cast<size_t>(k)]));
      }
      results[static_cast<size_t>(k)] = it->second;
    }
  } else {
    std::vector<int> to_run(static_cast<size_t>(n));
    for (int k = 0; k < n; ++k) to_run[static_cast<size_t>(k)] = k;
    results = run_points(run, std::move(to_run), std::move(results), descriptions);
  }
  report_failures(fmt::format("search {}", run), results, descriptions, search_warned[run]);
  // One run for every round: the results in round order, which a later sweep's workers replay.
  if (runs.size() < static_cast<size_t>(run)) runs.resize(static_cast<size_t>(run));
  std::vector<PointResult>& all = runs[static_cast<size_t>(run - 1)];
  all.insert(all.end(), results.begin(), results.end());
  std::vector<std::string>& named = search_descriptions[run];
  named.insert(named.end(), descriptions.begin(), descriptions.end());
  search_fingerprints[run] = fingerprint;
  return results;
}

void ExperimentSession::Impl::report_failures(const std::string& what, const std::vector<PointResult>& results,
                                              const std::vector<std::string>& descriptions,
                                              std::set<std::string>& warned) {
  const int n = static_cast<int>(results.size());
  // Warnings once (in point order; `warned` holds those already shown), then the failed points.
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
    log(LogLevel::Error, fmt::format("{}, point {} ({}): {}", what, points.front(),
                                     descriptions[static_cast<size_t>(points.front())], message));
    if (points.size() == 1) continue;
    std::string others;
    for (size_t i = 1; i < points.size() && i <= 10; ++i) {
      others += fmt::format("{}{} ({})", i > 1 ? ", " : "", points[i], descriptions[static_cast<size_t>(points[i])]);
    }
    if (points.size() > 11) others += fmt::format(" and {} more", points.size() - 11);
    log(LogLevel::Error, fmt::format("{}: the same error stopped point{} {}", what, points.size() > 2 ? "s" : "",
                                     others));
  }
}

// The members every shard file starts with: its kind, the script, its hash and parameters, the run
// and the slice.
std::string ExperimentSession::Impl::shard_header(const char* marker, int run) const {
  std::string out = "{\n";
  out += fmt::format("  \"{}\": 1,\n", marker);
  out += fmt::format("  \"script\": {},\n", json_quote(script));
  const std::optional<std::string> script_hash = script_fingerprint(script, params);
  if (!script_hash) throw Error(fmt::format("cannot read the script {} again to fingerprint its shard", script));
  out += fmt::format("  \"script_hash\": {},\n", json_quote(*script_hash));
  out += "  \"params\": [";
  for (size_t i = 0; i < params.size(); ++i) out += (i ? ", " : "") + json_quote(params[i]);
  out += "],\n";
  out += fmt::format("  \"run\": {},\n  \"shard\": {},\n  \"shards\": {},\n", run, options.shard_index,
                     options.shard_count);
  return out;
}

std::string ExperimentSession::Impl::shard_path() const {
  if (!options.shard_out.empty()) return options.shard_out;
  const std::filesystem::path p(script);
  return fmt::format("{}.shard-{}-of-{}.json", p.stem().string(), options.shard_index, options.shard_count);
}

namespace {

// One point's entry in a shard file's results (its "point" member, if any, comes before).
std::string result_members(const std::string& description, const PointResult& p) {
  std::string out = fmt::format("\"description\": {}, \"metrics\": [", json_quote(description));
  for (size_t m = 0; m < p.metrics.size(); ++m) {
    out += fmt::format("{}[{}, {}]", m ? ", " : "", json_quote(p.metrics[m].first), exact_number(p.metrics[m].second));
  }
  out += "], \"warnings\": [";
  for (size_t w = 0; w < p.warnings.size(); ++w) out += (w ? ", " : "") + json_quote(p.warnings[w]);
  out += fmt::format("], \"error\": {}}}", p.error.empty() ? "null" : json_quote(p.error));
  return out;
}

}  // namespace

void ExperimentSession::Impl::write_search_shard(int run, int64_t configs) const {
  std::string out = shard_header("blis_search_shard", run);
  const auto names = search_descriptions.find(run);
  const auto fingerprint = search_fingerprints.find(run);
  if (names == search_descriptions.end() || fingerprint == search_fingerprints.end()) {
    throw Error("internal error: a search shard without results");
  }
  out += fmt::format("  \"configs\": {},\n  \"fingerprint\": {},\n  \"results\": [", configs,
                     json_quote(fingerprint->second));
  const std::vector<PointResult>& results = runs[static_cast<size_t>(run - 1)];
  for (size_t k = 0; k < results.size(); ++k) {
    out += (k ? ",\n    {" : "\n    {") + result_members(names->second[k], results[k]);
  }
  out += "\n  ]\n}\n";
  const std::string path = shard_path();
  core::write_file_atomically(path, out, "the shard file");
  std::fprintf(stderr, "blis: shard %d/%d: %zu points of %lld configurations' searches written to %s; combine the "
               "shards with: blis merge\n", options.shard_index, options.shard_count, results.size(),
               static_cast<long long>(configs), path.c_str());
}

void ExperimentSession::Impl::write_shard(int run, const std::vector<std::string>& descriptions,
                                          const std::string& fingerprint,
                                          const std::vector<PointResult>& results) const {
  std::string out = shard_header("blis_experiment_shard", run);
  out += fmt::format("  \"points\": {},\n", descriptions.size());
  out += fmt::format("  \"fingerprint\": {},\n  \"results\": [", json_quote(fingerprint));
  bool first = true;
  for (size_t k = 0; k < results.size(); ++k) {
    const PointResult& p = results[k];
    if (!p.ran) continue;
    out += first ? "\n" : ",\n";
    first = false;
    out += fmt::format("    {{\"point\": {}, ", k) + result_members(descriptions[k], p);
  }
  out += "\n  ]\n}\n";
  const std::string path = shard_path();
  core::write_file_atomically(path, out, "the shard file");
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
  lua_pushlightuserdata(L, impl_.get());
  lua_pushcclosure(L, lua_search_shard, 1);
  lua_setfield(L, -2, "_search_shard");
  lua_pushlightuserdata(L, impl_.get());
  lua_pushcclosure(L, lua_search_write_shard, 1);
  lua_setfield(L, -2, "_search_write_shard");
  if (!impl_->options.html.empty()) install_html_experiment(L, &impl_->html);
  lua_pop(L, 1);
}

void ExperimentSession::use_merged(MergedSweep merged) { impl_->merged = std::move(merged); }

void ExperimentSession::use_merged_search(MergedSearch merged) { impl_->merged_search = std::move(merged); }

int ExperimentSession::finish(LuaVm& vm) const {
  lua_pop(vm.state(), 1);
  if (const int signal = interrupted_signal(); signal != 0) return 128 + signal;
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

}  // namespace blis::bindings
