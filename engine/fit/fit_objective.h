// The objective of `blis fit` (docs/latency-models.md, "Fitting your own coefficients").
// Each compared figure gives a relative error r = (predicted - observed) / observed:
//   * an aggregate metric (whole run or one stage) whose name the list's `metrics` chose: one r;
//   * a per-request measurement: one r per matched request for E2E, and for TTFT / TPOT when the
//     list chose a ttft_* / tpot_* metric; each quantity counts as one figure, the mean of r^2
//     over its requests.
// An experiment's loss is the mean of r^2 over its figures (the list's objective = "absolute":
// the mean of |r|, a per-request figure counting its mean APE); the objective is the weighted
// mean of the experiments' losses. A figure the simulation cannot produce (nothing completed) counts as an
// error of 1000% (r^2 = 100), so the search is pushed away from it rather than stopped.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "engine/fit/fit_problem.h"

namespace blis::fit {

inline constexpr double kMissingSquaredError = 100.0;

// One compared figure, for the residual report.
struct ResidualRow {
  size_t experiment = 0;
  int stage = kWholeRun;
  std::string metric;     // "e2e_mean", ... or "request_e2e" / "request_ttft" / "request_tpot"
  double observed = 0;    // ms; for request rows the mean observed value
  double predicted = 0;   // ms; for request rows the mean predicted value over matched requests
  double ape = 0;         // |r|; for request rows the mean APE over matched requests
  double squared = 0;     // what enters the loss: r^2, or the mean r^2 of the requests
  size_t count = 1;       // matched requests of a request row
};

// The figures of one experiment under its prediction.
std::vector<ResidualRow> residual_rows(const FitProblem& problem, size_t experiment,
                                       const ExperimentPrediction& prediction);

// The weighted mean of the experiments' losses over `subset` (experiment indices), given the
// predictions of those experiments (aligned with `subset`).
double objective_value(const FitProblem& problem, const std::vector<size_t>& subset,
                       const std::vector<ExperimentPrediction>& predictions);

// Whether the list's metrics choose per-request `quantity` ("ttft", "tpot"; "e2e" always).
bool request_quantity_chosen(const std::vector<std::string>& metrics, const std::string& quantity);

}  // namespace blis::fit
