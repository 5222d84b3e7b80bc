// What `blis fit` fits (docs/latency-models.md, "Fitting your own coefficients"): experiments,
// each a resolved run (built once, from its `blis run` flags) with the measurement it should
// reproduce, and the simulation of one experiment under candidate coefficients. The front end
// (bindings/fit_command.cpp) builds the problem; engine/fit/fit_driver.h solves it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/config/run_config.h"
#include "engine/fit/measurement.h"
#include "engine/fit/simulated_metrics.h"
#include "engine/latency/physics/physics_model.h"

namespace blis::fit {

struct FitExperiment {
  std::string name;
  std::string group;  // leave-one-group-out cross-validation holds out one group at a time
  double weight = 1;
  config::RunConfig run;  // resolved once; its latency model is `model`
  std::shared_ptr<const latency::physics::PhysicsModel> model;
  Measurement observed;
  // Per observed request: the simulated request index its id names ("request_<k>" or "<k>"),
  // -1 when it names none.
  std::vector<int64_t> observed_request_index;
};

// How the relative errors r of the compared figures are combined (fit_objective.h): the mean of
// r^2 (squared: the default, smooth, dominated by the largest errors) or of |r| (absolute: the
// mean APE, the figure accuracy is judged by, robust to a few experiments the model cannot match).
enum class FitLoss { kSquared, kAbsolute };

// How the report and the written file name the objective.
inline const char* loss_description(FitLoss loss) {
  return loss == FitLoss::kAbsolute ? "weighted mean absolute relative error" : "weighted mean squared relative error";
}

struct FitProblem {
  std::vector<FitExperiment> experiments;
  FitLoss loss = FitLoss::kSquared;
  std::vector<std::string> metrics;  // the metric names that enter the objective
  latency::physics::PhysicsCoefficients start;
  std::vector<int> fit_indices;  // into fittable_names()
};

// Takes a resolved run and its measurement. Throws blis::Error (naming `where`) when the run's
// latency model is not the physics model, when it runs a Lua workload generator (a fit runs it
// on several threads), or when the measurement has stages but the run no inference-perf stages.
FitExperiment make_experiment(std::string name, std::string group, double weight, config::RunConfig run,
                              Measurement observed, const std::string& where);

// One experiment simulated under `coefficients`.
struct ExperimentPrediction {
  std::vector<double> metrics;  // aligned with observed.metrics; NaN when the run has no value
  // Aligned with observed.requests; NaN when the id matches no completed simulated request.
  std::vector<double> request_ttft_ms, request_e2e_ms, request_tpot_ms;
  int64_t completed = 0, registered = 0;
  std::vector<std::string> warnings;  // what the run logged at warning level or above (if asked)
};

// Throws blis::Error (prefixed with the experiment's name) when the simulation fails.
ExperimentPrediction predict_experiment(const FitExperiment& experiment,
                                        const latency::physics::PhysicsCoefficients& coefficients,
                                        bool keep_warnings);

// "request_12" or "12" -> 12; anything else -> -1.
int64_t simulated_index_of(const std::string& id);

}  // namespace blis::fit
