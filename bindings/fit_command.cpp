#include "bindings/fit_command.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>

#include "bindings/fit_list.h"
#include "bindings/run_flags.h"
#include "bindings/scenario_loader.h"
#include "engine/config/run_config.h"
#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/core/go_strconv.h"
#include "engine/fit/coefficients_writer.h"
#include "engine/fit/fit_driver.h"
#include "engine/fit/fit_parameters.h"
#include "engine/fit/fit_report.h"

namespace blis::bindings {

namespace {

struct FitFlags {
  std::string list;
  int64_t seed = 1;
  int max_evals = 400;
  int jobs = 1;
  double tolerance = 1e-9;
  std::string out, report;
  bool cv = false, progress = false;
};

int64_t int_value(const std::string& flag, const std::string& text, int64_t min, int64_t max) {
  int64_t v = 0;
  if (core::go::parse_int(text, v) != core::go::NumError::kNone || v < min || v > max) {
    throw Error(fmt::format("{} must be an integer in [{}, {}], got \"{}\"", flag, min, max, text));
  }
  return v;
}

FitFlags parse_fit_flags(const std::vector<std::string>& args) {
  FitFlags f;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i], value;
    bool inline_value = false;
    if (arg.rfind("--", 0) == 0 && arg.find('=') != std::string::npos) {
      value = arg.substr(arg.find('=') + 1);
      arg = arg.substr(0, arg.find('='));
      inline_value = true;
    }
    const auto next = [&]() -> std::string {
      if (inline_value) return value;
      if (i + 1 >= args.size()) throw Error(fmt::format("blis fit: {} needs a value", arg));
      return args[++i];
    };
    if (arg == "--seed") {
      f.seed = int_value(arg, next(), INT64_MIN, INT64_MAX);
    } else if (arg == "--max-evals") {
      f.max_evals = static_cast<int>(int_value(arg, next(), 1, 10'000'000));
    } else if (arg == "--jobs") {
      f.jobs = static_cast<int>(int_value(arg, next(), 1, 1024));
    } else if (arg == "--tolerance") {
      const std::string text = next();
      double v = 0;
      if (core::go::parse_float(text, v) != core::go::NumError::kNone || !(v >= 0 && std::isfinite(v))) {
        throw Error(fmt::format("--tolerance must be a finite number >= 0, got \"{}\"", text));
      }
      f.tolerance = v;
    } else if (arg == "--out") {
      f.out = next();
    } else if (arg == "--report") {
      f.report = next();
    } else if (arg == "--cv" || arg == "--progress") {
      if (inline_value) throw Error(fmt::format("blis fit: {} takes no value", arg));
      (arg == "--cv" ? f.cv : f.progress) = true;
    } else if (arg.size() > 1 && arg[0] == '-') {
      throw Error(fmt::format("blis fit: unknown flag {}; see blis fit --help", arg));
    } else if (f.list.empty()) {
      f.list = arg;
    } else {
      throw Error(fmt::format("blis fit takes one experiment list, got \"{}\" and \"{}\"", f.list, arg));
    }
  }
  if (f.list.empty()) throw Error("blis fit needs an experiment list: blis fit LIST.lua (see blis fit --help)");
  return f;
}

void warn(const std::string& message) { std::fprintf(stderr, "blis: warning: %s\n", message.c_str()); }

// Every experiment of the list resolved once, as `blis run` would resolve its flags.
fit::FitProblem build_problem(LuaVm& vm, const FitList& list) {
  fit::FitProblem problem;
  try {
    problem.start = latency::physics::load_physics_coefficients(list.start);
  } catch (const Error& e) {
    throw Error(fmt::format("{}: start: {}", list.path, e.what()));
  }
  problem.metrics = list.metrics;
  problem.loss = list.objective == "absolute" ? fit::FitLoss::kAbsolute : fit::FitLoss::kSquared;
  for (const std::string& name : list.fit) problem.fit_indices.push_back(fit::fittable_index(name));
  for (const FitListExperiment& e : list.experiments) {
    config::RunConfig run;
    try {
      const RunCommand command = parse_run_flags(fit_run_flags(e, list.start));
      if (!command.ignored_arguments.empty()) {
        throw Error(fmt::format("\"{}\" is not a flag or a flag's value", command.ignored_arguments.front()));
      }
      const config::ScenarioSpec spec = load_scenario_source(vm, command.scenario_source, "blis run");
      const DiagnosticSink sink = [&](LogLevel level, const std::string& message) {
        if (level == LogLevel::Warning || level == LogLevel::Error) warn(fmt::format("{}: {}", e.where, message));
      };
      run = config::resolve(spec, sink);
    } catch (const Error& error) {
      throw Error(fmt::format("{}: {}", e.where, error.what()));
    }
    problem.experiments.push_back(
        fit::make_experiment(e.name, e.group, e.weight, std::move(run), e.observed, e.where));
  }
  return problem;
}

// Per-request measurements must name simulated requests: none matching is an error, some a warning.
void check_request_matches(const fit::FitProblem& problem, const std::vector<fit::ExperimentPrediction>& predictions,
                           const FitList& list) {
  for (size_t i = 0; i < problem.experiments.size(); ++i) {
    const size_t observed = problem.experiments[i].observed.requests.size();
    if (observed == 0) continue;
    size_t matched = 0;
    for (const double v : predictions[i].request_e2e_ms) matched += std::isfinite(v) ? 1 : 0;
    if (matched == 0) {
      throw Error(fmt::format("{}: none of the {} observed requests matches a completed simulated request (ids "
                              "are the simulated request_<k> or <k>)",
                              list.experiments[i].where, observed));
    }
    if (matched < observed) {
      warn(fmt::format("{}: {} of {} observed requests match no completed simulated request; they count as "
                       "1000% errors",
                       list.experiments[i].where, observed - matched, observed));
    }
  }
}

std::vector<size_t> all_of(const fit::FitProblem& problem) {
  std::vector<size_t> out;
  for (size_t i = 0; i < problem.experiments.size(); ++i) out.push_back(i);
  return out;
}

}  // namespace

std::string fit_help() {
  return "usage: blis fit LIST.lua [--seed S] [--max-evals N] [--tolerance T] [--jobs N] [--out FIT.yaml]\n"
         "                        [--report REPORT.csv] [--cv] [--progress]\n\n"
         "Fits the physics latency model's coefficients to measured runs: every experiment of LIST.lua\n"
         "(its blis run flags and what the real run measured) is simulated with candidate coefficients,\n"
         "and a Nelder-Mead search minimises the weighted mean squared relative error of the chosen\n"
         "metrics (the mean absolute one with the list's objective = \"absolute\"). Every run uses --latency-model physics --compat corrected and the list's start\n"
         "coefficients (docs/latency-models.md, \"Fitting your own coefficients\").\n\n"
         "  --seed S          seeds the search's restarts (default 1); the same seed gives the same fit\n"
         "  --max-evals N     objective evaluations in all (default 400); each simulates every experiment\n"
         "  --tolerance T     convergence: the simplex's values within T (relative, default 1e-9)\n"
         "  --jobs N          experiments simulated in parallel (default 1); the result does not depend on it\n"
         "  --out FILE        write the fitted coefficients, a file --coefficients and\n"
         "                    latency = { model = \"physics\", coefficients = FILE } read\n"
         "  --report FILE     write the residual rows as CSV\n"
         "  --cv              also run leave-one-group-out cross-validation and report held-out errors\n"
         "  --progress        a progress line on stderr every 10 evaluations\n\n"
         "Sandbox and run limits (docs/safety.md) apply to the list file:\n";
}

int fit_command(const std::vector<std::string>& args, const std::string& command_line) {
  const FitFlags flags = parse_fit_flags(args);
  // A fit can take long: an output file that cannot be written is reported before it starts.
  for (const auto& [flag, path] : {std::pair{"--out", flags.out}, std::pair{"--report", flags.report}}) {
    const std::filesystem::path folder = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!path.empty() && !folder.empty() && !std::filesystem::is_directory(folder, ec)) {
      throw Error(fmt::format("{} {}: the folder {} does not exist", flag, path, folder.string()));
    }
  }
  LuaVm vm;
  const FitList list = load_fit_list(vm, flags.list);
  const fit::FitProblem problem = build_problem(vm, list);

  fit::FitOptions options;
  options.jobs = flags.jobs;
  options.search.max_evals = flags.max_evals;
  options.search.seed = flags.seed;
  options.search.f_tolerance = flags.tolerance;
  std::string phase = "fit";
  if (flags.progress) {
    options.progress = [&](int evals, double best) {
      if (evals % 10 == 0) std::fprintf(stderr, "blis fit: %s: %d evaluations, best objective %.6g\n", phase.c_str(),
                                        evals, best);
    };
  }

  const std::vector<size_t> everything = all_of(problem);
  fit::FitReportInput report;
  report.problem = &problem;
  report.list_name = list.path;
  report.start_predictions = fit::predict_all(problem, everything, problem.start, flags.jobs, false);
  check_request_matches(problem, report.start_predictions, list);
  report.outcome = fit::fit_coefficients(problem, everything, options);
  report.outcome.fitted.path.clear();
  report.outcome.fitted.source = command_line;
  report.outcome.fitted.fitted_on = fmt::format("{} ({} experiments)", list.path, problem.experiments.size());
  report.fitted_predictions = fit::predict_all(problem, everything, report.outcome.fitted, flags.jobs, true);
  std::set<std::string> seen;
  for (size_t i = 0; i < problem.experiments.size(); ++i) {
    for (const std::string& w : report.fitted_predictions[i].warnings) {
      const std::string message = fmt::format("{}: with the fitted coefficients: {}", list.experiments[i].where, w);
      if (seen.insert(message).second) warn(message);
    }
  }
  std::vector<fit::HeldOutGroup> cv;
  if (flags.cv) {
    phase = "cross-validation";
    cv = fit::cross_validate(problem, options);
    report.cross_validation = &cv;
  }

  const std::string text = fit::fit_report_text(report);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  if (std::ferror(stdout) != 0) throw Error("cannot write the fit report to stdout");
  if (!flags.out.empty()) {
    const std::string header = fmt::format(
        "Physics latency model coefficients fitted by blis fit (docs/latency-models.md, \"Fitting your own\n"
        "coefficients\"). Refit with the command in `source`, run from the same folder.\n"
        "Objective ({}): start {:.6g}, fitted {:.6g}; {} evaluations.", fit::loss_description(problem.loss),
        report.outcome.start_objective, report.outcome.fitted_objective, report.outcome.search.evals);
    core::write_file_atomically(flags.out, fit::coefficients_yaml(report.outcome.fitted, header),
                                "fitted coefficients");
  }
  if (!flags.report.empty()) core::write_file_atomically(flags.report, fit::fit_report_csv(report), "fit report");
  return 0;
}

}  // namespace blis::bindings
