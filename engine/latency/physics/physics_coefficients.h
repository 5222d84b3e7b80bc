// The coefficients of the physics latency model (model_configs/physics/*.yaml, format in
// docs/latency-models.md): one multiplier per basis term of step_terms.h, the per-request host
// overheads the engine applies outside the step, and where the numbers come from. A file is either
// a set of priors (fitted_on empty) or the output of a fit (fitted_on names the data).
#pragma once

#include <array>
#include <string>

#include "engine/latency/physics/step_terms.h"

namespace blis::latency::physics {

// Where blis looks when a scenario names no coefficient file (relative to the working directory,
// like the catalogs).
inline constexpr const char* kDefaultCoefficientsPath = "model_configs/physics/default.yaml";

struct PhysicsCoefficients {
  std::string path;       // the file read, for messages and the run log
  std::string source;     // how the numbers were obtained (free text, required)
  std::string fitted_on;  // the measurements a fit used; "" = not fitted (priors)
  // Multipliers of the terms, indexed by Term: dimensionless for the µs terms (1 / efficiency),
  // µs per unit for the count terms (moe_routing, per_layer, per_request, per_step).
  std::array<double, kTermCount> terms{};
  // Host overheads, µs (the engine's per-request hooks, engine-core §4.1): arrival -> queued is
  // queueing_us + queueing_us_per_input_token x prompt tokens; every output token adds
  // output_token_us after its step; a finished request's E2E adds post_decode_us.
  double queueing_us = 0;
  // Added to queueing_us when the deployment runs TP > 1. The sim2real TTFTs show about 10 ms more
  // arrival-to-first-token time at TP 2 and 4 than at TP 1 that no step term explains (doubling
  // the prefill compute moves them by under 1%); vLLM runs a TP > 1 model in worker processes
  // (its MultiprocExecutor) where TP 1 runs in the engine's own. Optional in a file (absent: 0).
  double queueing_us_tp = 0;
  double queueing_us_per_input_token = 0;
  double output_token_us = 0;
  // After the last token: the response's host post-processing, added to E2E only.
  double post_decode_us = 0;

  bool is_fitted() const { return !fitted_on.empty(); }
};

// Throws blis::Error "cannot read physics coefficients F: ..." or one "F:LINE: problem" line per
// problem (unknown keys with a did-you-mean hint, missing terms, non-finite or negative values).
PhysicsCoefficients load_physics_coefficients(const std::string& path);
// The same from text; `path` names the file in messages.
PhysicsCoefficients parse_physics_coefficients(const std::string& text, const std::string& path);

}  // namespace blis::latency::physics
