#include "bindings/compare_command.h"

#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <set>
#include <thread>
#include <unistd.h>

#include "bindings/experiment_point.h"
#include "bindings/experiment_workers.h"
#include "bindings/flag_value.h"
#include "bindings/scenario_loader.h"
#include "bindings/universal_flags.h"
#include "engine/compare/compare_metrics.h"
#include "engine/compare/compare_report.h"
#include "engine/core/error.h"
#include "engine/core/go_strconv.h"
#include "engine/report/run_summary.h"
#include "engine/simulation.h"

namespace blis::bindings {

namespace {

constexpr int kMaxSeeds = 1000;

struct CompareOptions {
  std::vector<std::string> files;   // A, B
  std::vector<int64_t> seeds;
  int jobs = 0;
  bool json = false;
  std::vector<std::string> params;  // passed to both scenarios
};

int64_t parse_count(const std::string& flag, const std::string& text, int64_t low, int64_t high) {
  int64_t v = 0;
  if (core::go::parse_int(text, v) != core::go::NumError::kNone || v < low || v > high) {
    throw Error(fmt::format("--{} needs a whole number from {} to {}, got {}", flag, low, high, core::go::quote(text)));
  }
  return v;
}

// --seeds N (seeds 1..N) or --seeds 11,22,33 (those seeds, distinct).
std::vector<int64_t> parse_seeds(const std::string& text) {
  std::vector<int64_t> seeds;
  if (text.find(',') == std::string::npos) {
    const int64_t n = parse_count("seeds", text, 1, kMaxSeeds);
    for (int64_t s = 1; s <= n; ++s) seeds.push_back(s);
    return seeds;
  }
  std::set<int64_t> seen;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, comma - start);
    int64_t seed = 0;
    if (core::go::parse_int(item, seed) != core::go::NumError::kNone) {
      throw Error(fmt::format("--seeds needs a count or a comma-separated list of whole numbers, got {} in {}",
                              core::go::quote(item), core::go::quote(text)));
    }
    if (!seen.insert(seed).second) throw Error(fmt::format("--seeds lists seed {} twice", seed));
    seeds.push_back(seed);
    start = comma + 1;
  }
  if (seeds.size() > static_cast<size_t>(kMaxSeeds)) throw Error(fmt::format("--seeds lists more than {} seeds", kMaxSeeds));
  return seeds;
}

// A universal flag that makes one run write a file (its key is results_path or under export.):
// meaningless across 2 x seeds runs. Read from the flag table, so a new file flag is covered.
bool writes_run_file(const std::string& arg) {
  for (const UniversalFlag& flag : universal_flags()) {
    const std::string key = flag.key, name = std::string("--") + flag.name;
    if (key != "results_path" && key.rfind("export.", 0) != 0) continue;
    if (arg == name || arg.rfind(name + "=", 0) == 0) return true;
  }
  return false;
}

CompareOptions parse_compare_args(const std::vector<std::string>& args) {
  CompareOptions o;
  for (size_t i = 0; i < args.size(); ++i) {
    if (o.files.size() < 2 && (args[i].empty() || args[i][0] != '-')) {
      o.files.push_back(args[i]);
    } else if (auto v = flag_value(args, i, "seeds")) {
      o.seeds = parse_seeds(*v);
    } else if (auto v = flag_value(args, i, "jobs")) {
      o.jobs = static_cast<int>(parse_count("jobs", *v, 1, 1024));
    } else if (auto v = flag_value(args, i, "format")) {
      if (*v != "human" && *v != "json") {
        throw Error(fmt::format("--format for blis compare is human or json, got {}", core::go::quote(*v)));
      }
      o.json = *v == "json";
    } else if (o.files.size() < 2) {
      throw Error("blis compare needs the two scenario files first: blis compare A.lua B.lua [--seeds N]");
    } else if (writes_run_file(args[i])) {
      throw Error(fmt::format("blis compare writes no per-run files; {} is for one scenario (blis A.lua {} FILE)",
                              args[i].substr(0, args[i].find('=')), args[i].substr(0, args[i].find('='))));
    } else {
      o.params.push_back(args[i]);
    }
  }
  if (o.files.size() < 2) {
    throw Error("blis compare needs two scenario files: blis compare A.lua B.lua [--seeds N] (blis compare --help)");
  }
  if (o.seeds.empty()) o.seeds = parse_seeds("5");
  return o;
}

// Files a scenario asks to write would be written 2 x seeds times over by the runs: compare only
// reads the figures. Returns the keys it cleared.
std::vector<std::string> clear_outputs(config::ScenarioSpec& spec) {
  std::vector<std::string> cleared;
  const auto clear = [&](std::optional<std::string>& field, const char* key) {
    if (field) cleared.push_back(key);
    field.reset();
  };
  clear(spec.results_path, "results_path");
  clear(spec.trace_file, "trace.file");
  clear(spec.export_workload, "export.workload");
  clear(spec.export_workload_data, "export.workload_data");
  clear(spec.export_requests_csv, "export.requests_csv");
  clear(spec.export_timeseries, "export.timeseries");
  clear(spec.export_html, "export.html");
  spec.format = "reference";  // nothing is printed; the summary is the result
  return cleared;
}

// What the worker of one run hands back besides the numbers (each slot written by one thread).
struct RunExtras {
  report::RunHeader header;
  std::vector<std::string> cleared;
};

PointResult run_one(const std::string& file, const std::vector<std::string>& params, int64_t seed, RunExtras& extras) {
  PointResult result;
  result.ran = true;
  try {
    LuaVm vm;
    silence_lua_output(vm);
    std::vector<std::string> args = params;
    args.push_back("--seed=" + std::to_string(seed));
    run_script_file(vm, file, args);
    config::ScenarioSpec spec = finish_scenario(vm, file);
    extras.cleared = clear_outputs(spec);
    std::set<std::string> seen;
    const DiagnosticSink sink = [&](LogLevel level, const std::string& message) {
      if (level > LogLevel::Info && seen.insert(message).second) result.warnings.push_back(message);
    };
    RunOptions options;
    options.want_summary = true;
    const SimulationOutput out = run_scenario(spec, sink, options);
    if (!out.file_errors.empty()) throw Error(out.file_errors.front());
    extras.header = out.summary->header;
    const std::vector<double> values = compare::metric_values(*out.summary);
    for (size_t m = 0; m < values.size(); ++m) result.metrics.emplace_back(compare::compare_metrics()[m].key, values[m]);
  } catch (const Error& e) {
    result.error = e.what();
  } catch (const std::exception& e) {
    result.error = std::string("internal error: ") + e.what();
  }
  return result;
}

}  // namespace

std::string compare_help() {
  return "usage: blis compare A.lua B.lua [--seeds N | --seeds S1,S2,...] [--jobs N] [--format human|json]\n"
         "                    [--name value ...] [limits]\n\n"
         "Runs two scenario files with the same seeds (default 5: seeds 1 to 5) and prints them side by side:\n"
         "what each deploys, then TTFT, TPOT, ITL, E2E, queueing, throughput, completions, rejections,\n"
         "preemptions, cache hits and KV peak, each as the mean over the seeds with its 95% interval, and the\n"
         "ratio B/A with the interval of the paired (same-seed) ratio. Other --name value pairs are parameters\n"
         "for both scenarios (each must declare them, or be a universal flag such as --horizon). Files the\n"
         "scenarios ask to write (results_path, export.*, trace.file) are not written. docs/compare.md.\n\n"
         "  --seeds N       seeds 1..N (1 to 1000), or a comma-separated list of seeds\n"
         "  --jobs N        worker threads (default: one per core); the output does not depend on it\n"
         "  --format F      human (default) or json (schema blis-compare/1)\n\n"
         "limits:\n";
}

int compare_command(const std::vector<std::string>& args) {
  const CompareOptions o = parse_compare_args(args);
  const int n = static_cast<int>(o.seeds.size());
  std::vector<RunExtras> extras(static_cast<size_t>(2 * n));
  SweepJob job;
  job.script = o.files[0];
  job.progress = isatty(fileno(stderr)) != 0;
  job.progress_label = "compare";
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  job.jobs = std::min(o.jobs > 0 ? o.jobs : static_cast<int>(cores), 2 * n);
  job.run_one = [&](int k) {
    const int side = k / n, s = k % n;
    return run_one(o.files[static_cast<size_t>(side)], o.params, o.seeds[static_cast<size_t>(s)],
                   extras[static_cast<size_t>(k)]);
  };
  install_interrupt_handlers();
  std::vector<int> all(static_cast<size_t>(2 * n));
  for (int k = 0; k < 2 * n; ++k) all[static_cast<size_t>(k)] = k;
  const std::vector<PointResult> results = run_sweep_points(job, all, std::vector<PointResult>(all.size()));

  // Messages once each, in run order: a mistake in a file fails every seed the same way.
  std::set<std::string> said;
  int failed = 0;
  for (int k = 0; k < 2 * n; ++k) {
    const PointResult& r = results[static_cast<size_t>(k)];
    const std::string who = fmt::format("{} ({})", k < n ? "A" : "B", o.files[static_cast<size_t>(k / n)]);
    for (const std::string& w : r.warnings) {
      if (said.insert(who + w).second) std::fprintf(stderr, "blis: warning: %s: %s\n", who.c_str(), w.c_str());
    }
    if (!r.error.empty()) {
      ++failed;
      if (said.insert(who + r.error).second) {
        std::fprintf(stderr, "blis: error: %s, seed %lld: %s\n", who.c_str(),
                     static_cast<long long>(o.seeds[static_cast<size_t>(k % n)]), r.error.c_str());
      }
    }
  }
  for (int side = 0; side < 2; ++side) {
    const std::vector<std::string>& cleared = extras[static_cast<size_t>(side * n)].cleared;
    if (cleared.empty()) continue;
    std::string keys;
    for (const std::string& key : cleared) keys += (keys.empty() ? "" : ", ") + key;
    std::fprintf(stderr, "blis: note: %s asks to write files (%s); blis compare writes none\n",
                 o.files[static_cast<size_t>(side)].c_str(), keys.c_str());
  }
  if (const int signal = interrupted_signal(); signal != 0) return 128 + signal;
  if (failed > 0) return 1;

  compare::CompareInput in;
  in.seeds = o.seeds;
  for (int side = 0; side < 2; ++side) {
    compare::CompareSide& s = side == 0 ? in.a : in.b;
    s.file = o.files[static_cast<size_t>(side)];
    s.header = extras[static_cast<size_t>(side * n)].header;
    for (int i = 0; i < n; ++i) {
      std::vector<double> values;
      for (const auto& [key, value] : results[static_cast<size_t>(side * n + i)].metrics) values.push_back(value);
      s.runs.push_back(std::move(values));
    }
  }
  const std::string text = o.json ? compare::render_compare_json(in) : compare::render_compare_human(in);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  if (std::ferror(stdout) != 0) throw Error("cannot write the comparison to stdout");
  return 0;
}

}  // namespace blis::bindings
