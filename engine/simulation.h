// The engine's single entry point for the front ends: resolve a scenario, simulate it, and
// return everything the run produced as data. The engine never prints and never exits:
// diagnostics go to the caller's sink as they arise, results come back as text.
#pragma once

#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/config/scenario_spec.h"

namespace blis::metrics {
struct RunResults;
}
namespace blis::report {
struct RunSummary;
}

namespace blis {

enum class LogLevel { Trace, Debug, Info, Warning, Error };

// Receives diagnostics (warnings about defaults applied, dropped requests, ...) in order.
using DiagnosticSink = std::function<void(LogLevel, const std::string&)>;

struct SimulationOutput {
  std::string stdout_text;  // exactly what the reference prints on stdout
  std::shared_ptr<const metrics::RunResults> results;  // only with ScenarioSpec::collect_results
  std::shared_ptr<const report::RunSummary> summary;   // only with RunOptions::want_summary
  // Errors found once the run is over: files it was asked to write but could not (results,
  // trace, workload export) and metrics that are not finite numbers. The metrics are still
  // printed, as the reference prints them; the front end then fails.
  std::vector<std::string> file_errors;
};

// How the front end wants a run watched; nothing here changes its results.
struct RunOptions {
  // A terminal to show progress on (engine/progress/progress_meter.h), or null.
  std::FILE* progress = nullptr;
  // Hand back the report's figures as data (SimulationOutput::summary), as `blis compare` reads them.
  bool want_summary = false;
};

// Throws blis::Error for any configuration or input error found before results exist; the
// message is complete and names the offending flag/key, file or row.
SimulationOutput run_scenario(const config::ScenarioSpec& spec, const DiagnosticSink& log,
                              const RunOptions& options = {});

}  // namespace blis
