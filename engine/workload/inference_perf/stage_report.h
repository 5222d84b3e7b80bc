// Per-stage results of a faithful inference-perf run, in the shape of the harness's
// stage_N_lifecycle_metrics.json (kubernetes-sigs/inference-perf, reportgen/base.py and
// summarize_requests; a subset: the load summary, the successes' latencies in seconds with
// numpy-style percentiles, prompt and output lengths), so a run can be read next to the real
// files. A request belongs to the stage whose send window (harness_source.h) holds its arrival
// (constant load) or, for Poisson load, whose share of the sends in arrival order holds it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/ticks.h"
#include "engine/workload/workload_spec.h"

namespace blis::workload::inference_perf {

// What the report needs of one request the run registered.
struct StageSample {
  Tick arrival = 0;
  bool completed = false;
  Tick ttft = 0, e2e = 0;  // microseconds; meaningful when completed
  double tpot_us = 0;      // per-request (E2E - TTFT) / max(N - 1, 1)
  int64_t input_len = 0, output_len = 0;
};

// The stage (index into ip.stages) whose window [start, start + duration] holds `arrival`, or
// -1 for none (a send rounded down to whole microseconds can land on the start).
int64_t stage_of(const InferencePerfSpec& ip, Tick arrival);

// The stage of every sample, as the report assigns them: by send window for constant load, by
// rank in arrival order for Poisson load (-1: no stage). `blis fit` groups its simulated metrics
// the same way (engine/fit/simulated_metrics.h).
std::vector<int64_t> stages_of_samples(const InferencePerfSpec& ip, const std::vector<StageSample>& samples);

// numpy.percentile's default (linear interpolation between closest ranks) of `sorted` values.
double linear_percentile(const std::vector<double>& sorted, double percent);

// A JSON array, one object per stage, laid out like the run's other JSON blocks.
std::string stage_report_json(const InferencePerfSpec& ip, const std::vector<StageSample>& samples);

}  // namespace blis::workload::inference_perf
