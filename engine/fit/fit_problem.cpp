#include "engine/fit/fit_problem.h"

#include <fmt/format.h>

#include <charconv>
#include <limits>
#include <string_view>

#include "engine/cluster/cluster_simulation.h"
#include "engine/core/error.h"

namespace blis::fit {

int64_t simulated_index_of(const std::string& id) {
  std::string_view digits = id;
  if (digits.rfind("request_", 0) == 0) digits.remove_prefix(8);
  if (digits.empty()) return -1;
  int64_t value = -1;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc() || end != digits.data() + digits.size() || value < 0) return -1;
  return value;
}

FitExperiment make_experiment(std::string name, std::string group, double weight, config::RunConfig run,
                              Measurement observed, const std::string& where) {
  FitExperiment e;
  e.model = std::dynamic_pointer_cast<const latency::physics::PhysicsModel>(run.latency);
  if (!e.model) throw Error(fmt::format("{}: the run does not use the physics latency model", where));
  if (run.generator) {
    throw Error(fmt::format("{}: a Lua workload generator cannot run in blis fit; use a workload spec or a trace",
                            where));
  }
  bool has_stages = false;
  for (const ObservedMetric& m : observed.metrics) has_stages = has_stages || m.stage != kWholeRun;
  if (has_stages && run.workload != config::WorkloadKind::InferencePerf) {
    throw Error(fmt::format("{}: observed stages need a workload with inference-perf stages "
                            "(--workload-inference-perf CONFIG.yaml, or a spec with an inference_perf block)",
                            where));
  }
  if (has_stages) {
    const size_t stage_count = run.workload_spec->inference_perf->stages.size();
    for (const ObservedMetric& m : observed.metrics) {
      if (m.stage != kWholeRun && (m.stage < 0 || static_cast<size_t>(m.stage) >= stage_count)) {
        throw Error(fmt::format("{}: observed stage {} does not exist: the workload has stages 0..{}", where, m.stage,
                                stage_count - 1));
      }
    }
  }
  run.collect_results = false;
  e.name = std::move(name);
  e.group = std::move(group);
  e.weight = weight;
  e.run = std::move(run);
  e.observed = std::move(observed);
  for (const ObservedRequest& r : e.observed.requests) e.observed_request_index.push_back(simulated_index_of(r.id));
  return e;
}

ExperimentPrediction predict_experiment(const FitExperiment& experiment,
                                        const latency::physics::PhysicsCoefficients& coefficients,
                                        bool keep_warnings) {
  ExperimentPrediction out;
  config::RunConfig run = experiment.run;
  run.latency = experiment.model->with_coefficients(coefficients);
  const DiagnosticSink sink = [&](LogLevel level, const std::string& message) {
    if (keep_warnings && (level == LogLevel::Warning || level == LogLevel::Error)) out.warnings.push_back(message);
  };
  std::vector<SimulatedRequest> requests;
  try {
    cluster::ClusterSimulation sim(run, sink);
    sim.run();
    requests = simulated_requests(sim, run);
  } catch (const Error& e) {
    throw Error(fmt::format("experiment {}: {}", experiment.name, e.what()));
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const ObservedMetric& m : experiment.observed.metrics) {
    const std::optional<MetricKey> key = parse_metric_name(m.name);
    out.metrics.push_back(key ? metric_value(*key, requests, m.stage) : nan);
  }
  // Requests are registered in index order, but not every index is registered (rejected or dropped
  // ones are not): look them up by index.
  std::vector<const SimulatedRequest*> by_index;
  for (const SimulatedRequest& r : requests) {
    out.registered += 1;
    out.completed += r.completed ? 1 : 0;
    if (r.index >= static_cast<int64_t>(by_index.size())) by_index.resize(static_cast<size_t>(r.index) + 1, nullptr);
    by_index[static_cast<size_t>(r.index)] = &r;
  }
  for (const int64_t index : experiment.observed_request_index) {
    const SimulatedRequest* r =
        index >= 0 && index < static_cast<int64_t>(by_index.size()) ? by_index[static_cast<size_t>(index)] : nullptr;
    const bool ok = r != nullptr && r->completed;
    out.request_ttft_ms.push_back(ok ? r->ttft_ms : nan);
    out.request_e2e_ms.push_back(ok ? r->e2e_ms : nan);
    out.request_tpot_ms.push_back(ok && r->has_tpot() ? r->tpot_ms() : nan);
  }
  return out;
}

}  // namespace blis::fit
