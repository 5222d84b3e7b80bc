#include "engine/fit/simulated_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/fit/measurement.h"
#include "engine/workload/inference_perf/stage_report.h"

namespace blis::fit {

namespace {

constexpr const char* kQuantities[] = {"e2e", "ttft", "itl", "tpot"};
constexpr const char* kStatistics[] = {"mean", "p50", "p90", "p95", "p99"};
constexpr double kPercents[] = {0, 50, 90, 95, 99};

}  // namespace

const std::vector<std::string>& comparable_metric_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (int q = 0; q < 4; ++q) {
      for (int s = 0; s < 5; ++s) {
        if (static_cast<Quantity>(q) == Quantity::kItl && s > 0) continue;
        out.push_back(std::string(kQuantities[q]) + "_" + kStatistics[s]);
      }
    }
    return out;
  }();
  return names;
}

std::optional<MetricKey> parse_metric_name(const std::string& name) {
  for (int q = 0; q < 4; ++q) {
    for (int s = 0; s < 5; ++s) {
      if (name == std::string(kQuantities[q]) + "_" + kStatistics[s]) {
        if (static_cast<Quantity>(q) == Quantity::kItl && s > 0) return std::nullopt;
        return MetricKey{static_cast<Quantity>(q), static_cast<Statistic>(s)};
      }
    }
  }
  return std::nullopt;
}

std::vector<SimulatedRequest> simulated_requests(const cluster::ClusterSimulation& sim,
                                                 const config::RunConfig& config) {
  std::vector<SimulatedRequest> out;
  std::vector<workload::inference_perf::StageSample> samples;
  for (const Request& r : sim.requests()) {
    if (!r.registered) continue;
    SimulatedRequest s;
    s.index = r.index;
    s.completed = r.completed;
    s.output_tokens = r.output_len;
    if (r.completed) {
      s.ttft_ms = static_cast<double>(r.first_token_time) / 1e3;
      s.e2e_ms = static_cast<double>(r.e2e) / 1e3;
      // The engine keeps TPOT = (last - first) / max(N - 1, 1): the decode span back.
      s.decode_ms = r.tpot * static_cast<double>(std::max<int64_t>(r.output_len - 1, 1)) / 1e3;
    }
    out.push_back(s);
    samples.push_back({r.arrival, r.completed, r.first_token_time, r.e2e, r.tpot, r.input_len, r.output_len});
  }
  if (config.workload == config::WorkloadKind::InferencePerf && config.workload_spec &&
      config.workload_spec->inference_perf) {
    const std::vector<int64_t> stages =
        workload::inference_perf::stages_of_samples(*config.workload_spec->inference_perf, samples);
    for (size_t i = 0; i < out.size(); ++i) out[i].stage = stages[i];
  }
  return out;
}

double metric_value(const MetricKey& key, const std::vector<SimulatedRequest>& requests, int stage) {
  const auto in_stage = [&](const SimulatedRequest& r) { return stage == kWholeRun || r.stage == stage; };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (key.quantity == Quantity::kItl) {
    double span = 0, gaps = 0;
    for (const SimulatedRequest& r : requests) {
      if (!in_stage(r) || !r.has_tpot()) continue;
      span += r.decode_ms;
      gaps += static_cast<double>(r.output_tokens - 1);
    }
    return gaps > 0 ? span / gaps : nan;
  }
  std::vector<double> values;
  for (const SimulatedRequest& r : requests) {
    if (!in_stage(r) || !r.completed) continue;
    switch (key.quantity) {
      case Quantity::kE2e: values.push_back(r.e2e_ms); break;
      case Quantity::kTtft: values.push_back(r.ttft_ms); break;
      case Quantity::kTpot:
        if (r.has_tpot()) values.push_back(r.tpot_ms());
        break;
      case Quantity::kItl: break;
    }
  }
  if (values.empty()) return nan;
  if (key.statistic == Statistic::kMean) {
    double sum = 0;
    for (const double v : values) sum += v;
    return sum / static_cast<double>(values.size());
  }
  std::sort(values.begin(), values.end());
  return workload::inference_perf::linear_percentile(values, kPercents[static_cast<int>(key.statistic)]);
}

}  // namespace blis::fit
