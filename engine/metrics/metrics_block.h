// One block of the printed metrics (the reference's MetricsOutput, engine-core §7.3): the
// counters and latency percentiles of one instance or of the whole cluster, collected from the
// cluster's final state, as JSON and as the results API's BlockSummary. run_report.cpp decides
// which blocks are printed and where they go.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/cluster/cluster_simulation.h"
#include "engine/metrics/go_json.h"
#include "engine/metrics/run_results.h"
#include "engine/metrics/statistics.h"
#include "engine/simulation.h"

namespace blis::metrics {

// The reference's MetricsOutput (engine-core §7.3 table) for the merged "cluster" block.
struct MetricsBlock {
  std::string instance_id = "cluster";
  int64_t completed = 0, still_queued = 0, still_running = 0, injected = 0;
  int64_t total_input_tokens = 0, total_output_tokens = 0;
  double duration_s = 0, responses_per_sec = 0, tokens_per_sec = 0;
  double e2e_mean = 0, e2e_p90 = 0, e2e_p95 = 0, e2e_p99 = 0;
  double ttft_mean = 0, ttft_p90 = 0, ttft_p95 = 0, ttft_p99 = 0;
  double itl_mean = 0, itl_p90 = 0, itl_p95 = 0, itl_p99 = 0;
  double scheduling_delay_p99 = 0;
  int64_t kv_allocation_failures = 0, preemptions = 0, dropped_unservable = 0;
  // horizon_in_flight only: requests the horizon cut off before a wait queue (see ClusterSimulation).
  int64_t still_in_transit = 0, still_awaiting_decision = 0;

  // The metrics JSON cannot hold (NaN, +Inf, -Inf), as "name = value" in key order.
  std::vector<std::string> non_finite() const;
  // The block's keys, in the reference's order; a non-finite metric is written as null.
  void write(JsonWriter& w) const;
};

// The latency lists behind a block (ticks, ascending) and its end time.
struct CollectedLatencies {
  std::vector<double> ttft, e2e, scheduling_delay;  // ticks, ascending
  TickHistogram itl;
  Tick sim_ended = 0;
  int64_t preemptions = 0;
};

// The metrics of one instance (`only` = its index) or of the whole cluster (`only` empty):
// counters summed over the instances, latency lists over their requests (engine-core §7.3).
MetricsBlock collect_block(const cluster::ClusterSimulation& sim, std::optional<size_t> only, CollectedLatencies& c,
                           const DiagnosticSink* log);

// A latency list in ticks (ascending) as ms figures, with the JSON block's percentile rule.
LatencySummary latency_summary(const std::vector<double>& sorted_ticks);

// The block as the results API reports it.
BlockSummary summary_of(const MetricsBlock& m, const CollectedLatencies& c);

}  // namespace blis::metrics
