// The residual report of `blis fit` (docs/latency-models.md, "Fitting your own coefficients"):
// the coefficients before and after, per experiment and compared figure the observed value, the
// prediction of the start and of the fitted coefficients, and the APE; MAPE per metric; and, with
// --cv, the held-out predictions of the leave-one-group-out cross-validation. As text for the
// terminal and as CSV rows (--report FILE.csv).
#pragma once

#include <string>
#include <vector>

#include "engine/fit/fit_driver.h"

namespace blis::fit {

struct FitReportInput {
  const FitProblem* problem = nullptr;
  std::string list_name;
  FitOutcome outcome;
  std::vector<ExperimentPrediction> start_predictions, fitted_predictions;  // every experiment, in order
  const std::vector<HeldOutGroup>* cross_validation = nullptr;  // null without --cv
};

std::string fit_report_text(const FitReportInput& in);
std::string fit_report_csv(const FitReportInput& in);

// The median of `values` (the mean of the two middle ones for an even count); NaN when empty.
double median_of(std::vector<double> values);

}  // namespace blis::fit
