// The engine's single entry point for the front ends: resolve a scenario, simulate it, and
// return everything the run produced as data. The engine never prints and never exits:
// diagnostics go to the caller's sink as they arise, results come back as text.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "engine/config/scenario_spec.h"

namespace blis {

enum class LogLevel { Trace, Debug, Info, Warning, Error };

// Receives diagnostics (warnings about defaults applied, dropped requests, ...) in order.
using DiagnosticSink = std::function<void(LogLevel, const std::string&)>;

struct SimulationOutput {
  std::string stdout_text;               // exactly what the reference prints on stdout
  std::optional<std::string> late_error; // a failure found after results were printed (exit 1)
};

// Throws blis::Error for any configuration or input error found before results exist; the
// message is complete and names the offending flag/key, file or row.
SimulationOutput run_scenario(const config::ScenarioSpec& spec, const DiagnosticSink& log);

}  // namespace blis
