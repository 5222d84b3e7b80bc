// The metrics `blis fit` compares, computed from a simulation's requests exactly as
// inference-perf computes them from a real run (kubernetes-sigs/inference-perf, reportgen/base.py,
// summarize_requests; docs/latency-models.md, "Fitting your own coefficients"). Only successful
// (completed) requests count:
//   TTFT = first token - arrival;  E2E = response end - arrival (the physics model's
//   post_decode_us included);
//   TPOT = (last token - first token) / (output tokens - 1), per request with >= 2 tokens;
//   ITL mean = the mean gap between consecutive tokens over all tokens of all requests, i.e.
//   sum(last - first) / sum(output tokens - 1);
//   mean = arithmetic mean; pNN = numpy.percentile's linear interpolation.
// ITL percentiles are not offered: inference-perf's per-token gaps are those of the HTTP stream's
// chunks (most are microseconds apart), which no step-level simulation reproduces.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/cluster/cluster_simulation.h"

namespace blis::fit {

enum class Quantity { kE2e, kTtft, kItl, kTpot };
enum class Statistic { kMean, kP50, kP90, kP95, kP99 };

struct MetricKey {
  Quantity quantity = Quantity::kE2e;
  Statistic statistic = Statistic::kMean;
};

// Every metric name blis fit can compare ("e2e_mean", ..., "tpot_p99", "itl_mean").
const std::vector<std::string>& comparable_metric_names();
// The key of a name of comparable_metric_names(), else nothing.
std::optional<MetricKey> parse_metric_name(const std::string& name);

// One simulated request, in the terms the metrics need.
struct SimulatedRequest {
  int64_t index = 0;  // the simulated request id request_<index>
  int64_t stage = -1; // inference-perf stage, -1 when the workload has none or the request none
  bool completed = false;
  double ttft_ms = 0, e2e_ms = 0;
  double decode_ms = 0;  // last token - first token
  int64_t output_tokens = 0;

  bool has_tpot() const { return completed && output_tokens >= 2; }
  double tpot_ms() const { return decode_ms / static_cast<double>(output_tokens - 1); }
};

// The registered requests of a finished simulation, in index order, with their stages when the
// run is a faithful inference-perf run.
std::vector<SimulatedRequest> simulated_requests(const cluster::ClusterSimulation& sim, const config::RunConfig& config);

// The metric over the requests of `stage` (kWholeRun: all of them); NaN when no request has a value.
double metric_value(const MetricKey& key, const std::vector<SimulatedRequest>& requests, int stage);

}  // namespace blis::fit
