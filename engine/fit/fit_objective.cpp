#include "engine/fit/fit_objective.h"

#include <algorithm>
#include <cmath>

namespace blis::fit {

bool request_quantity_chosen(const std::vector<std::string>& metrics, const std::string& quantity) {
  if (quantity == "e2e") return true;
  return std::any_of(metrics.begin(), metrics.end(),
                     [&](const std::string& m) { return m.rfind(quantity + "_", 0) == 0; });
}

std::vector<ResidualRow> residual_rows(const FitProblem& problem, size_t experiment,
                                       const ExperimentPrediction& prediction) {
  const FitExperiment& e = problem.experiments[experiment];
  std::vector<ResidualRow> rows;
  for (size_t i = 0; i < e.observed.metrics.size(); ++i) {
    const ObservedMetric& m = e.observed.metrics[i];
    if (std::find(problem.metrics.begin(), problem.metrics.end(), m.name) == problem.metrics.end()) continue;
    ResidualRow row;
    row.experiment = experiment;
    row.stage = m.stage;
    row.metric = m.name;
    row.observed = m.ms;
    row.predicted = prediction.metrics[i];
    if (std::isfinite(row.predicted)) {
      const double r = (row.predicted - m.ms) / m.ms;
      row.ape = std::abs(r);
      row.squared = r * r;
    } else {
      row.ape = std::sqrt(kMissingSquaredError);
      row.squared = kMissingSquaredError;
    }
    rows.push_back(row);
  }
  if (!e.observed.requests.empty()) {
    struct Column {
      const char* quantity;
      double ObservedRequest::*observed;
      const std::vector<double>* predicted;
    };
    const Column columns[] = {{"e2e", &ObservedRequest::e2e_ms, &prediction.request_e2e_ms},
                              {"ttft", &ObservedRequest::ttft_ms, &prediction.request_ttft_ms},
                              {"tpot", &ObservedRequest::tpot_ms, &prediction.request_tpot_ms}};
    for (const Column& c : columns) {
      if (!request_quantity_chosen(problem.metrics, c.quantity)) continue;
      ResidualRow row;
      row.experiment = experiment;
      row.metric = std::string("request_") + c.quantity;
      double observed_sum = 0, predicted_sum = 0, ape_sum = 0, squared_sum = 0;
      size_t matched = 0, usable = 0;
      for (size_t k = 0; k < e.observed.requests.size(); ++k) {
        const double observed = e.observed.requests[k].*(c.observed);
        if (!(std::isfinite(observed) && observed > 0)) continue;  // e.g. no TPOT for a 1-token answer
        ++usable;
        const double predicted = (*c.predicted)[k];
        if (!std::isfinite(predicted)) {
          squared_sum += kMissingSquaredError;
          ape_sum += std::sqrt(kMissingSquaredError);
          continue;
        }
        const double r = (predicted - observed) / observed;
        observed_sum += observed;
        predicted_sum += predicted;
        ape_sum += std::abs(r);
        squared_sum += r * r;
        ++matched;
      }
      if (usable == 0) continue;
      row.count = matched;
      row.observed = matched > 0 ? observed_sum / static_cast<double>(matched) : 0;
      row.predicted = matched > 0 ? predicted_sum / static_cast<double>(matched) : 0;
      row.ape = ape_sum / static_cast<double>(usable);
      row.squared = squared_sum / static_cast<double>(usable);
      rows.push_back(row);
    }
  }
  return rows;
}

double objective_value(const FitProblem& problem, const std::vector<size_t>& subset,
                       const std::vector<ExperimentPrediction>& predictions) {
  double weighted = 0, weights = 0;
  for (size_t i = 0; i < subset.size(); ++i) {
    const FitExperiment& e = problem.experiments[subset[i]];
    const std::vector<ResidualRow> rows = residual_rows(problem, subset[i], predictions[i]);
    if (rows.empty()) continue;
    double loss = 0;
    for (const ResidualRow& row : rows) loss += problem.loss == FitLoss::kAbsolute ? row.ape : row.squared;
    weighted += e.weight * loss / static_cast<double>(rows.size());
    weights += e.weight;
  }
  return weights > 0 ? weighted / weights : 0.0;
}

}  // namespace blis::fit
