// What a real serving run measured, in the one shape `blis fit` compares simulations against
// (docs/latency-models.md, "Fitting your own coefficients"). Every reader of real data
// (engine/fit/readers/) produces a Measurement; the fit's objective (engine/fit/) reads only this.
#pragma once

#include <string>
#include <vector>

namespace blis::fit {

// Stage of a metric: kWholeRun for the run's summary, 0.. for inference-perf stage N
// (stage_N_lifecycle_metrics.json; the aggregate tables' stage_index).
inline constexpr int kWholeRun = -1;

// One aggregate latency figure, in milliseconds. `name` is "<quantity>_<statistic>":
// quantity e2e | ttft | itl | tpot, statistic mean | p50 | p90 | p95 | p99
// (e.g. "e2e_p99", "ttft_mean", "itl_mean").
struct ObservedMetric {
  int stage = kWholeRun;
  std::string name;
  double ms = 0;
};

// One request of a per-request measurement (a real trace v2 file), milliseconds.
// tpot_ms is NaN when the request produced fewer than 2 output tokens.
struct ObservedRequest {
  std::string id;  // the trace's request_id: the simulated request with the same id is compared
  double ttft_ms = 0;
  double e2e_ms = 0;
  double tpot_ms = 0;
};

struct Measurement {
  std::string source;  // the file or folder read, for the residual report and messages
  std::vector<ObservedMetric> metrics;
  std::vector<ObservedRequest> requests;  // empty unless the source is per-request
};

}  // namespace blis::fit
