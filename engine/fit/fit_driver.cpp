#include "engine/fit/fit_driver.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>

#include "engine/core/cancellation.h"
#include "engine/core/error.h"
#include "engine/fit/fit_parameters.h"

namespace blis::fit {

std::vector<ExperimentPrediction> predict_all(const FitProblem& problem, const std::vector<size_t>& subset,
                                              const latency::physics::PhysicsCoefficients& coefficients, int jobs,
                                              bool keep_warnings) {
  std::vector<ExperimentPrediction> out(subset.size());
  std::vector<std::exception_ptr> failures(subset.size());
  std::atomic<size_t> next{0};
  // The workers stop with the caller's run (--timeout, a signal): they work under its token.
  core::CancelToken* const token = core::current_cancel_token;
  const auto work = [&] {
    const core::ScopedCancelToken scoped(token);
    for (size_t i = next++; i < subset.size(); i = next++) {
      try {
        out[i] = predict_experiment(problem.experiments[subset[i]], coefficients, keep_warnings);
      } catch (...) {
        failures[i] = std::current_exception();
      }
    }
  };
  const size_t threads = std::min(subset.size(), static_cast<size_t>(std::max(jobs, 1)));
  if (threads <= 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    for (size_t t = 0; t < threads; ++t) pool.emplace_back(work);
    for (std::thread& t : pool) t.join();
  }
  for (const std::exception_ptr& failure : failures) {
    if (failure) std::rethrow_exception(failure);
  }
  return out;
}

FitOutcome fit_coefficients(const FitProblem& problem, const std::vector<size_t>& subset, const FitOptions& options) {
  const ParameterMap map(problem.start, problem.fit_indices);
  const ObjectiveFunction objective = [&](const std::vector<double>& x) {
    const latency::physics::PhysicsCoefficients c = map.coefficients_at(x);
    return objective_value(problem, subset, predict_all(problem, subset, c, options.jobs, false));
  };
  FitOutcome out;
  out.search = minimize_nelder_mead(objective, map.start_point(), map.lower(), map.upper(), options.search,
                                    options.progress);
  out.fitted = map.coefficients_at(out.search.x);
  // The start's value is the search's first evaluation; computed again here only for clarity of
  // the report (it is deterministic, so it is the same number).
  out.start_objective =
      objective_value(problem, subset, predict_all(problem, subset, problem.start, options.jobs, false));
  out.fitted_objective = out.search.f;
  return out;
}

std::vector<HeldOutGroup> cross_validate(const FitProblem& problem, const FitOptions& options) {
  std::vector<std::string> groups;
  for (const FitExperiment& e : problem.experiments) {
    if (std::find(groups.begin(), groups.end(), e.group) == groups.end()) groups.push_back(e.group);
  }
  if (groups.size() < 2) {
    throw Error("--cv needs experiments of at least two groups (each experiment's `group`, default its name)");
  }
  std::vector<HeldOutGroup> out;
  for (const std::string& group : groups) {
    HeldOutGroup held;
    held.group = group;
    std::vector<size_t> training;
    for (size_t i = 0; i < problem.experiments.size(); ++i) {
      (problem.experiments[i].group == group ? held.experiments : training).push_back(i);
    }
    held.fit = fit_coefficients(problem, training, options);
    held.predictions = predict_all(problem, held.experiments, held.fit.fitted, options.jobs, false);
    out.push_back(std::move(held));
  }
  return out;
}

}  // namespace blis::fit
