// A finished run as data, for scenario report hooks and experiments: every figure the printed
// report shows (in the printed units), per-request outcomes, and the decision trace. Built only
// when asked for (ScenarioSpec::collect_results), so plain runs pay nothing.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/metrics/fitness.h"
#include "engine/trace/decision_trace.h"

namespace blis::metrics {

// A latency distribution in milliseconds (percentiles as the JSON block computes them).
struct LatencySummary {
  double mean_ms = 0, p50_ms = 0, p90_ms = 0, p95_ms = 0, p99_ms = 0, min_ms = 0, max_ms = 0;
  int64_t count = 0;
};

// One metrics block: an instance ("instance_<i>") or the whole cluster ("cluster").
struct BlockSummary {
  std::string id;
  int64_t completed = 0, still_queued = 0, still_running = 0, injected = 0;
  int64_t still_in_transit = 0, still_awaiting_decision = 0;  // horizon_in_flight; 0 otherwise
  int64_t input_tokens = 0, output_tokens = 0;
  int64_t preemptions = 0, dropped_unservable = 0, kv_allocation_failures = 0;
  double duration_s = 0, responses_per_sec = 0, tokens_per_sec = 0;
  LatencySummary ttft, e2e, itl, scheduling_delay;
};

// One registered request (rejected and dropped requests are not registered).
struct RequestOutcome {
  int64_t id = 0;  // k of "request_k"
  std::string slo_class, tenant;
  int32_t instance = -1;
  bool completed = false;
  double arrived_s = 0, ttft_ms = 0, e2e_ms = 0, itl_ms = 0, scheduling_delay_ms = 0;
  int64_t input_tokens = 0, output_tokens = 0;
};

struct RunResults {
  BlockSummary cluster;
  std::vector<BlockSummary> instances;  // every instance, in index order
  int64_t rejected = 0, priority_inversions = 0, hol_blocking = 0;
  double preemption_rate = 0, cache_hit_rate = 0, thrashing_rate = 0;
  std::optional<FitnessResult> fitness;
  std::vector<RequestOutcome> requests;                 // by request id
  std::shared_ptr<const trace::DecisionTrace> trace;    // null unless trace level "decisions"
};

// Jain's fairness index over values given in key (byte) order: 0 for none, 1 when all are 0,
// else (sum x)^2 / (n sum x^2) (cluster-workload-trace §E.5).
double jain_fairness(const std::map<std::string, double>& values);

// SLO attainment (§E.5): the share of completed requests whose E2E meets its class's target
// (raw class names; a class without a target always meets it). 0 when nothing completed.
double slo_attainment(const std::vector<RequestOutcome>& requests, const std::map<std::string, double>& e2e_target_ms);

}  // namespace blis::metrics
