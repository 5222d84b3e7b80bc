// Solving a FitProblem (docs/latency-models.md, "Fitting your own coefficients"): the simulations
// of one candidate run in parallel over --jobs threads, one experiment per task, and their losses
// are summed in experiment order, so the result is the same for any number of jobs; the search is
// nelder_mead.h's over fit_parameters.h's coordinates.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/fit/fit_objective.h"
#include "engine/fit/fit_problem.h"
#include "engine/fit/nelder_mead.h"

namespace blis::fit {

struct FitOptions {
  NelderMeadOptions search;
  int jobs = 1;
  // Called after every objective evaluation (evaluations so far, best objective so far); the
  // front end prints a progress line now and then.
  ProgressFunction progress;
};

// Simulates the experiments of `subset` under `coefficients`, `jobs` at a time; the predictions
// come back in `subset` order. The first failure (in subset order) is rethrown.
std::vector<ExperimentPrediction> predict_all(const FitProblem& problem, const std::vector<size_t>& subset,
                                              const latency::physics::PhysicsCoefficients& coefficients, int jobs,
                                              bool keep_warnings);

struct FitOutcome {
  latency::physics::PhysicsCoefficients fitted;
  double start_objective = 0, fitted_objective = 0;
  NelderMeadResult search;
};

// Fits the problem's chosen coefficients on the experiments of `subset`, from problem.start.
FitOutcome fit_coefficients(const FitProblem& problem, const std::vector<size_t>& subset, const FitOptions& options);

// Leave-one-group-out: per group (in order of first appearance), the coefficients fitted on every
// other group and the predictions of the held-out group's experiments under them.
struct HeldOutGroup {
  std::string group;
  std::vector<size_t> experiments;  // the held-out ones
  FitOutcome fit;                   // on the others
  std::vector<ExperimentPrediction> predictions;  // aligned with `experiments`
};
// Throws blis::Error when the problem has fewer than two groups.
std::vector<HeldOutGroup> cross_validate(const FitProblem& problem, const FitOptions& options);

}  // namespace blis::fit
