// blis, the command line. Two front ends, one configuration path:
//   blis <scenario.lua> [--name value ...]  runs a Lua scenario (parameters override blis.params;
//                                            the universal flags --seed, --format, ...: universal_flags.h)
//   blis run <flags>                         the reference-compatible flags, turned into the same
//                                            kind of scenario (bindings/run_flags.h)
//   blis calibrate REAL.yaml SIM.yaml        measured vs simulated latencies (calibrate_command.h)
//   blis fit LIST.lua                        fit the physics model's coefficients (fit_command.h)
//   blis compare A.lua B.lua                 two scenarios side by side across seeds (compare_command.h)
//   blis gpus [NAME]                         the hardware catalog (gpus_command.h)
//   blis models                              the model catalog (models_command.h)
//   blis search PLAN.lua                     capacity planning: a script running blis.search (docs/planning.md)
//   blis model-info CONFIG.json              a model's shape and vLLM KV sizing (model_info_command.h)
// Both end in a config::ScenarioSpec and one call to blis::run_scenario, so a scenario and its
// `blis run` equivalent print the same stdout. The front end owns printing and exit statuses:
// 0 success, 1 for any error (configuration, usage, late errors after the results); the engine
// only returns data and throws blis::Error.
#include <luajit.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "bindings/calibrate_command.h"
#include "bindings/compare_command.h"
#include "bindings/diagnostics.h"
#include "bindings/experiment_runner.h"
#include "bindings/experiment_workers.h"
#include "bindings/fit_command.h"
#include "bindings/gpus_command.h"
#include "bindings/lua_guard.h"
#include "bindings/lua_vm.h"
#include "bindings/model_info_command.h"
#include "bindings/models_command.h"
#include "bindings/report_hook.h"
#include "bindings/run_flags.h"
#include "bindings/safety_options.h"
#include "bindings/scenario_loader.h"
#include "engine/core/atomic_file.h"
#include "engine/core/cancellation.h"
#include "engine/core/error.h"
#include "engine/metrics/run_results.h"
#include "engine/core/corrections.h"
#include "engine/simulation.h"

#ifndef BLIS_VERSION
#define BLIS_VERSION "0.1.0"
#endif

namespace {

using blis::bindings::LogFilter;

constexpr const char* kUsage =
    "usage: blis <scenario.lua> [--name value ...]  run a scenario; --name value (or --name=value) overrides its\n"
    "                                                parameters; every scenario also takes --seed N, --horizon US\n"
    "                                                and --results-path FILE (blis <scenario.lua> --help)\n"
    "       blis <scenario.lua> --help               list the scenario's parameters and their defaults\n"
    "       blis run [flags]                         the reference BLIS command line (blis run --help)\n"
    "       blis calibrate REAL.yaml SIM.yaml        compare measured and simulated latencies (trace v2)\n"
    "       blis fit LIST.lua [flags]                fit the physics latency model's coefficients to measurements\n"
    "       blis <experiment.lua> [--jobs N] [--shard I/N] [--csv F] [--json F] [--html F] [--strict]\n"
    "                                                run a sweep (docs/experiments.md)\n"
    "       blis merge SHARD.json...                 the tables of a sweep (or search) run in --shard slices\n"
    "       blis compare A.lua B.lua [--seeds N]     two scenarios side by side, with ratios and 95% intervals\n"
    "       blis search PLAN.lua [--jobs N] [--shard I/N] [--csv F] [--json F]\n"
    "                                                SLO-constrained capacity planning (docs/planning.md)\n"
    "       blis corrections                         the reference defects corrected mode fixes, and their switches\n"
    "       blis model-info CONFIG.json [flags]      a model's shape, parameters, bytes per GPU and vLLM KV blocks\n"
    "       blis gpus [NAME] [--format json]         the hardware catalog: datasheet figures per GPU (docs/catalogs.md)\n"
    "       blis models [--format json]              the model catalog: shape, parameters and KV bytes per model\n"
    "       blis --version\n"
    "Every command takes --help. Scenario and experiment scripts (and blis merge, blis compare) also take:\n";

constexpr const char* kMergeUsage =
    "usage: blis merge SHARD.json... [--csv F] [--json F] [--html F] [--strict] [--jobs N] [limits]\n\n"
    "Combines the shard files of a sweep (or of a blis.search) run with --shard I/N (one per slice,\n"
    "all of them) and prints the tables of the whole sweep, as a one-machine run would. Each file is\n"
    "checked before anything runs: its shard index and count, its point count, and the script it\n"
    "names, which must be the file the shards ran (same content and parameters). Then that script\n"
    "runs again, in the sandbox, with the shards' results in place of its first sweep\n"
    "(docs/experiments.md, docs/planning.md).\n\n"
    "limits:\n";

constexpr const char* kSearchUsage =
    "usage: blis search PLAN.lua [--name value ...] [--jobs N] [--csv F] [--json F]\n"
    "       blis search PLAN.lua ... --shard I/N [--shard-out F]    then: blis merge SHARD.json...\n\n"
    "Runs a capacity-planning script: one that calls blis.search{ base, knobs, seeds, slo, objective,\n"
    "rate, knee, prices } (docs/planning.md). Every combination of the knobs is a configuration; the\n"
    "search judges each against the SLOs at the target rate across the seeds, finds the highest rate\n"
    "each holds by bisection (its knee), and prints the configurations ranked by the objective, the\n"
    "Pareto front of cost against latency, and why the others fail. The same as `blis PLAN.lua`, but\n"
    "an error when the script runs no search.\n\n"
    "  --jobs N        worker threads (default: one per core); the output does not depend on it\n"
    "  --csv F         one row per configuration\n"
    "  --json F        every configuration with every rate it was judged at (docs/output.md)\n"
    "  --shard I/N     search the configurations whose number is I modulo N, write them to a shard\n"
    "                  file (--shard-out, default <script>.shard-I-of-N.json); blis merge combines them\n\n"
    "limits:\n";

constexpr const char* kCorrectionsUsage =
    "usage: blis corrections\n\n"
    "Lists the reference defects that corrected mode fixes, each with the switch that turns it on or\n"
    "off (scenario key compat, blis run --compat / --correction).\n";

bool asks_help(const std::vector<std::string>& args) {
  for (const std::string& arg : args) {
    if (arg == "--help" || arg == "-h") return true;
  }
  return false;
}

// The run's cancellation: the main thread's token, cancelled by --timeout (or a scenario's
// limits.timeout_s) through the watchdog, which ends the process if the run does not stop.
blis::core::CancelToken g_run_token;

void arm_timeout(double seconds, const std::string& what) {
  const auto when = std::chrono::steady_clock::now() +
                    std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds));
  blis::bindings::Watchdog::get().watch_deadline(&g_run_token, when,
                                                 "run exceeded " + what + " " + blis::bindings::seconds_text(seconds),
                                                 blis::bindings::exit_hard_stop);
}

// Takes the sandbox and limit flags out of `args` and makes them the process's.
void take_safety(std::vector<std::string>& args) {
  blis::bindings::safety_options() = blis::bindings::take_safety_flags(args);
  if (const auto timeout = blis::bindings::safety_options().timeout_s) arm_timeout(*timeout, "--timeout");
}

// `blis corrections`: every switch of engine/core/corrections.h, for the compat key and --correction.
std::string corrections_listing() {
  std::string out =
      "Corrections of reference defects. Scenarios run corrected by default, `blis run` in reference mode;\n"
      "choose with compat = \"reference\"|\"corrected\" (blis run --compat), switch one with\n"
      "compat = { mode = ..., NAME = true|false } (blis run --correction NAME=on|off).\n\n";
  for (const blis::core::CorrectionInfo& c : blis::core::correction_catalogue()) {
    out += std::string("  ") + c.name + "  (" + c.where + ")\n      " + c.what + "\n";
  }
  return out;
}

void write_stdout(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  if (std::ferror(stdout) != 0) throw blis::Error("cannot write the results to stdout");
}

// Runs a resolved scenario; `warnings` are front-end warnings, shown at the scenario's log level.
int run(blis::bindings::LuaVm& vm, const blis::config::ScenarioSpec& spec,
        const std::vector<std::string>& warnings = {}) {
  const LogFilter filter = blis::bindings::parse_log_level(spec.log_level.value_or("warn"));
  const blis::DiagnosticSink sink = blis::bindings::stderr_sink(filter);
  for (const std::string& warning : warnings) sink(blis::LogLevel::Warning, warning);
  if (const auto timeout = vm.scenario_timeout(); timeout && !blis::bindings::safety_options().timeout_s) {
    arm_timeout(*timeout, "limits.timeout_s");
  }
  // Progress only where a person watches: stderr is a terminal (docs/user-guide.md, "Progress").
  blis::RunOptions options;
  const char* quiet = std::getenv("BLIS_NO_PROGRESS");
  if (isatty(STDERR_FILENO) == 1 && (quiet == nullptr || *quiet == '\0')) options.progress = stderr;
  const blis::SimulationOutput output = blis::run_scenario(spec, sink, options);
  write_stdout(output.stdout_text);
  if (output.results && blis::bindings::has_report_hook(vm)) {
    blis::bindings::call_report_hook(vm, *output.results);
    std::fflush(stdout);
  }
  for (const std::string& error : output.file_errors) std::fprintf(stderr, "blis: error: %s\n", error.c_str());
  return output.file_errors.empty() ? 0 : 1;
}

int run_command(std::vector<std::string> args) {
  if (asks_help(args)) {
    write_stdout(blis::bindings::run_flags_help() +
                 "\n  --timeout SECONDS   stop the run after this much wall-clock time (exit 1; docs/safety.md)\n");
    return 0;
  }
  // blis run executes no Lua code of the user's (its scenario is text blis writes), so only the
  // wall-clock limit applies.
  take_safety(args);
  const blis::bindings::SafetyOptions& safety = blis::bindings::safety_options();
  if (safety.unsafe || safety.lua_instructions || safety.lua_memory_mb || safety.point_timeout_s) {
    throw blis::Error("blis run runs no Lua code of yours: of the limits, it takes only --timeout");
  }
  const blis::bindings::RunCommand command = blis::bindings::parse_run_flags(args);
  blis::bindings::LuaVm vm;
  const blis::config::ScenarioSpec spec =
      blis::bindings::load_scenario_source(vm, command.scenario_source, "blis run");
  if (command.print_scenario) {
    write_stdout(command.scenario_source);
    return 0;
  }
  std::vector<std::string> warnings;
  for (const std::string& argument : command.ignored_arguments) {
    warnings.push_back("ignoring argument '" + argument + "': blis run takes only flags");
  }
  return run(vm, spec, warnings);
}

// Runs a script: a scenario file (it returns blis.scenario{...}) or an experiment script (it
// runs blis.experiment sweeps and prints their tables). `merged` is set by `blis merge`.
// `search_required`: `blis search`, which fails when the script ran no blis.search.
int script_command(const std::string& path, std::vector<std::string> rest,
                   blis::bindings::ExperimentOptions options,
                   std::optional<blis::bindings::MergedSweep> merged = std::nullopt,
                   std::optional<blis::bindings::MergedSearch> merged_search = std::nullopt,
                   bool search_required = false) {
  namespace b = blis::bindings;
  options.progress = isatty(fileno(stderr)) != 0;
  const blis::DiagnosticSink sink = b::stderr_sink(b::parse_log_level("warn"));
  b::LuaVm vm;
  b::ExperimentSession session(path, rest, options, sink);
  if (merged) session.use_merged(std::move(*merged));
  if (merged_search) session.use_merged_search(std::move(*merged_search));
  session.install(vm);
  try {
    b::run_script_file(vm, path, rest);
  } catch (const blis::Error& e) {
    if (session.stopped_after_shard()) return 0;  // --shard: the script ends at its sweep
    if (const int signal = b::interrupted_signal(); signal != 0) {  // a later sweep refused to start
      std::fflush(stdout);
      std::fprintf(stderr, "blis: error: %s\n", e.what());
      return 128 + signal;
    }
    throw;
  }
  if (search_required && !session.ran_search()) {
    throw blis::Error(path + " runs no blis.search{...}: blis search takes a planning script (docs/planning.md)");
  }
  if (session.ran_experiment()) {
    std::fflush(stdout);
    return session.finish(vm);
  }
  blis::config::ScenarioSpec spec = b::finish_scenario(vm, path);
  // --html was taken with the experiment flags (an experiment's page); for a scenario file it is
  // the universal flag of its HTML report (scenario key export.html), overriding the script's.
  if (!options.html.empty()) spec.export_html = options.html;
  std::vector<std::string> warnings;
  if (options.jobs > 0 || options.shard_index >= 0 || options.strict || !options.results_csv.empty() ||
      !options.results_json.empty()) {
    warnings.push_back("--jobs, --shard, --strict, --csv and --json apply to experiment scripts; " + path +
                       " is a scenario");
  }
  return run(vm, spec, warnings);
}

int scenario_command(const std::string& path, const std::vector<std::string>& rest) {
  std::vector<std::string> params = rest;
  take_safety(params);
  if (asks_help(params)) {
    blis::bindings::LuaVm vm;
    write_stdout(blis::bindings::scenario_help(vm, path) + "\nSandbox and run limits (docs/safety.md):\n" +
                 blis::bindings::safety_flags_help());
    return 0;
  }
  const blis::bindings::ExperimentOptions options = blis::bindings::take_experiment_flags(params);
  return script_command(path, std::move(params), options);
}

// `blis fit LIST.lua [flags]`: the list is Lua code of the user's, so the sandbox and limits apply.
int fit_command(const std::vector<std::string>& args) {
  if (asks_help(args)) {
    write_stdout(blis::bindings::fit_help() + blis::bindings::safety_flags_help());
    return 0;
  }
  std::string command_line = "blis fit";
  for (const std::string& arg : args) command_line += " " + arg;
  std::vector<std::string> rest = args;
  take_safety(rest);
  return blis::bindings::fit_command(rest, command_line);
}

// `blis merge SHARD.json ...`: the tables of the whole sweep from its shard files.
int merge_command(const std::vector<std::string>& args) {
  if (asks_help(args)) {
    write_stdout(std::string(kMergeUsage) + blis::bindings::safety_flags_help());
    return 0;
  }
  std::vector<std::string> files = args;
  take_safety(files);
  const blis::bindings::ExperimentOptions options = blis::bindings::take_experiment_flags(files);
  if (options.shard_index >= 0) throw blis::Error("blis merge combines shards; it takes no --shard");
  blis::bindings::MergeInput in = blis::bindings::read_shards(files);
  if (in.search) return script_command(in.script, in.param_args, options, std::nullopt, std::move(in.search), true);
  return script_command(in.script, in.param_args, options, std::move(in.sweep));
}

// `blis compare A.lua B.lua ...`: scenario files are the user's Lua code, so the sandbox and
// limits apply to every run.
int compare_command(const std::vector<std::string>& args) {
  if (asks_help(args)) {
    write_stdout(blis::bindings::compare_help() + blis::bindings::safety_flags_help());
    return 0;
  }
  std::vector<std::string> rest = args;
  take_safety(rest);
  return blis::bindings::compare_command(rest);
}

// `blis search PLAN.lua ...`: a script that runs blis.search (docs/planning.md).
int search_command(const std::vector<std::string>& args) {
  if (args.empty()) throw blis::Error("blis search needs a planning script: blis search PLAN.lua (see blis search --help)");
  if (args.front() == "--help" || args.front() == "-h") {
    write_stdout(std::string(kSearchUsage) + blis::bindings::safety_flags_help());
    return 0;
  }
  std::vector<std::string> params(args.begin() + 1, args.end());
  take_safety(params);
  if (asks_help(params)) return scenario_command(args.front(), params);
  const blis::bindings::ExperimentOptions options = blis::bindings::take_experiment_flags(params);
  return script_command(args.front(), std::move(params), options, std::nullopt, std::nullopt, true);
}

int dispatch(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::fputs(kUsage, stderr);
    std::fputs(blis::bindings::safety_flags_help(), stderr);
    return 1;
  }
  const std::string& first = args[0];
  if (first == "--help" || first == "-h" || first == "help") {
    write_stdout(std::string(kUsage) + blis::bindings::safety_flags_help());
    return 0;
  }
  if (first == "--version") {
    write_stdout(std::string("blis ") + BLIS_VERSION + " (" + LUAJIT_VERSION + ")\n");
    return 0;
  }
  if (first == "corrections") {
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (asks_help(rest)) {
      write_stdout(kCorrectionsUsage);
      return 0;
    }
    if (!rest.empty()) throw blis::Error("blis corrections takes no arguments, got '" + rest.front() + "'");
    write_stdout(corrections_listing());
    return 0;
  }
  if (first == "model-info") {
    write_stdout(blis::bindings::model_info_command({args.begin() + 1, args.end()}));
    return 0;
  }
  if (first == "models") {
    write_stdout(blis::bindings::models_command({args.begin() + 1, args.end()}));
    return 0;
  }
  if (first == "gpus") {
    write_stdout(blis::bindings::gpus_command({args.begin() + 1, args.end()}));
    return 0;
  }
  if (first == "run") return run_command({args.begin() + 1, args.end()});
  if (first == "fit") return fit_command({args.begin() + 1, args.end()});
  if (first == "merge") return merge_command({args.begin() + 1, args.end()});
  if (first == "compare") return compare_command({args.begin() + 1, args.end()});
  if (first == "search") return search_command({args.begin() + 1, args.end()});
  if (first == "calibrate") {
    const blis::bindings::CalibrateOutput out = blis::bindings::calibrate_command({args.begin() + 1, args.end()});
    for (const std::string& warning : out.warnings) std::fprintf(stderr, "blis: warning: %s\n", warning.c_str());
    write_stdout(out.stdout_text);
    return 0;
  }
  if (first.size() > 1 && first[0] == '-') {
    throw blis::Error("unknown option '" + first + "'; see blis --help");
  }
  return scenario_command(first, {args.begin() + 1, args.end()});
}

}  // namespace

// Ends the process with `status`. When an experiment abandoned a stuck worker thread, that
// thread may still run: leave without static destructors.
int finish_process(int status) {
  if (blis::bindings::workers_abandoned()) {
    std::fflush(stdout);
    std::fflush(stderr);
    std::_Exit(status);
  }
  return status;
}

int main(int argc, char** argv) {
  // SIGINT/SIGTERM/SIGHUP during a file write remove its temporary file (engine/core/atomic_file.h).
  blis::core::install_temp_file_cleanup_on_signals();
  // Never let an exception end the process: every failure is a message and exit status 1.
  const blis::core::ScopedCancelToken run_token(&g_run_token);
  try {
    return finish_process(dispatch(std::vector<std::string>(argv + 1, argv + argc)));
  } catch (const blis::Error& e) {
    if (g_run_token.cancelled()) {
      // The limit first; where it struck (a Lua file:line, a scorer) when the message says more.
      const std::string reason = g_run_token.reason();
      std::fprintf(stderr, "blis: error: %s\n", reason.c_str());
      if (reason != e.what()) std::fprintf(stderr, "blis: note: it stopped in: %s\n", e.what());
    } else {
      std::fprintf(stderr, "blis: error: %s\n", e.what());
    }
  } catch (const std::bad_alloc&) {
    std::fputs("blis: error: out of memory\n", stderr);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "blis: internal error: %s\n", e.what());
  } catch (...) {
    std::fputs("blis: internal error: unknown exception\n", stderr);
  }
  return finish_process(1);
}
