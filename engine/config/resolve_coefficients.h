// The reference's latency-model resolution (engine-core §8.2): blackbox coefficients from the
// scenario (flags), else from the defaults file, else the roofline model from a model config folder
// and a hardware file. Kept apart from resolve.cpp so that the blis models (physics, profiled,
// resolve_latency.h / resolve_profiled.h) sit beside it rather than inside it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/config/defaults_file.h"
#include "engine/config/scenario_spec.h"
#include "engine/core/corrections.h"
#include "engine/simulation.h"

namespace blis::config {

// What the reference's resolution chose: the coefficients, roofline or not, the deployment (GPU,
// TP, possibly from the defaults file) and the defaults file's KV block count for it.
struct ModelResolution {
  std::vector<double> alpha, beta;
  bool roofline = false;
  std::string gpu;
  int64_t tp = 0;
  std::optional<int64_t> kv_blocks_from_defaults;
  std::string coefficients_source;  // for the report's header (RunDescription::coefficients)
};

// §8.2: coefficients from flags, else from defaults.yaml, else roofline from the two files.
// Returns early (all defaults) when the profiled model is selected: its step times come from the
// profile. Rejects, naming the key or flag, a model with no way to time a step.
ModelResolution resolve_model(const ScenarioSpec& spec, const DefaultsFile& defaults_file,
                              const core::Corrections& corrections, const DiagnosticSink& log);

}  // namespace blis::config
