// Running experiment scripts (stdlib_lua/blis.experiment.lua, docs/experiments.md).
//
// `blis script.lua` runs the script in the main Lua state with an ExperimentSession installed.
// Each ex:run() calls blis._sweep, which runs the experiment's points on worker threads, each in
// a fresh Lua state that re-runs the script in "worker mode" up to the same ex:run() and
// simulates that one point there (so Lua policies are the worker's own), then hands back only
// numbers. Sweeps can be sliced across machines (--shard I/N writes a shard file) and the slices
// merged (`blis merge`), which re-runs the script with the shard results in place of the sweep:
// the output is byte-identical to a one-machine run.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bindings/lua_vm.h"
#include "engine/simulation.h"

namespace blis::bindings {

// What one point of a sweep produced: its metrics in collect order, or the error that stopped
// it, and the warnings its run gave.
struct PointResult {
  std::vector<std::pair<std::string, double>> metrics;
  std::string error;
  std::vector<std::string> warnings;
  bool ran = false;
};

struct ExperimentOptions {
  int jobs = 0;                 // worker threads; 0 = one per core
  int shard_index = -1;         // --shard I/N (I in [0, N)); -1 = the whole sweep
  int shard_count = 0;
  std::string shard_out;        // the shard file (default: <script>.shard-I-of-N.json)
  std::string results_csv, results_json;  // every experiment's results, on request
  std::string html;             // --html: one page with every experiment's plots (experiment_html.h)
  bool strict = false;          // exit status 3 when an expectation is refuted
  bool progress = false;        // progress line on stderr (only when it is a terminal)
};

// Takes blis's own flags out of `args` (what remains are the script's --name=value parameters):
// --jobs N, --shard I/N, --shard-out FILE, --csv FILE, --json FILE, --html FILE, --strict. Throws Error.
ExperimentOptions take_experiment_flags(std::vector<std::string>& args);

// The results of one earlier sweep, merged from shard files: `points` in all, the results by
// point (filled in only once the script's own sweep agrees on the count).
struct MergedSweep {
  int run = 1;
  std::string fingerprint;
  int64_t points = 0;
  std::map<int64_t, PointResult> results;
};

// The results of a blis.search run in --shard slices, merged from its shard files: every point
// any shard ran, by its description ("config 3 (instances=2 tp=1) rate=8 seed=42"); the search
// takes its rounds' results from here instead of simulating (stdlib_lua/blis.search.lua).
struct MergedSearch {
  int run = 1;
  std::string fingerprint;
  int64_t configs = 0;
  std::map<std::string, PointResult> results;
};

class ExperimentSession {
 public:
  ExperimentSession(std::string script, std::vector<std::string> param_args, ExperimentOptions options,
                    DiagnosticSink log);
  ~ExperimentSession();

  // Installs blis._sweep in the main state.
  void install(LuaVm& vm);
  // For `blis merge`: the first sweep's results come from shard files instead of simulations.
  void use_merged(MergedSweep merged);
  void use_merged_search(MergedSearch merged);

  bool ran_experiment() const { return runs_ > 0; }
  bool ran_search() const { return searched_; }
  // True when a --shard run wrote its file and stopped the script on purpose.
  bool stopped_after_shard() const { return stopped_; }
  // After an experiment script (its result on the stack is dropped): the exit status, 0, or 1 if
  // any point failed, or 3 with --strict when an expectation was refuted.
  int finish(LuaVm& vm) const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  int runs_ = 0;
  bool stopped_ = false;
  bool searched_ = false;
};

// `blis merge SHARD.json...`: the script, its parameters and options recorded in the shards,
// and the merged first sweep (shard_files.cpp). Throws Error naming the file and key for a
// malformed, missing, repeated or foreign shard, and for a script whose content or parameters
// are not the ones the shards ran — before any script runs.
struct MergeInput {
  std::string script;
  std::vector<std::string> param_args;
  MergedSweep sweep;
  std::optional<MergedSearch> search;  // set when the files are a search's shards
};
MergeInput read_shards(const std::vector<std::string>& files);

}  // namespace blis::bindings
