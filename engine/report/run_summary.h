// Every figure the human and JSON reports show (docs/output.md), gathered once from a finished
// run: what ran (the header), latency distributions in ms (TTFT, TPOT, ITL, E2E, scheduling
// delay), throughput, KV figures, and the same per instance, per SLO class and per
// inference-perf stage. The renderers (human_report.h, json_report.h) only lay it out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/cluster/cluster_simulation.h"
#include "engine/config/run_config.h"
#include "engine/metrics/fitness.h"
#include "engine/metrics/metrics_block.h"
#include "engine/metrics/run_report.h"
#include "engine/metrics/run_results.h"
#include "engine/trace/decision_trace.h"

namespace blis::report {

struct RunHeader {
  std::string model, gpu, latency_model, coefficients, workload, compat_mode;
  int64_t tp = 0, dp = 1, ep = 1, instances = 1, seed = 0;
  int64_t kv_blocks = 0, block_size = 0, max_running = 0, max_batched_tokens = 0;
  std::string kv_blocks_source;
  std::optional<int64_t> horizon_us;  // empty: no horizon
};

struct Throughput {
  double requests_per_s = 0, input_tokens_per_s = 0, output_tokens_per_s = 0, total_tokens_per_s = 0;
};

// One instance, or the whole cluster (id "cluster").
struct BlockFigures {
  metrics::BlockSummary block;   // counts and TTFT / E2E / ITL / scheduling-delay distributions
  metrics::LatencySummary tpot;  // per completed request with >= 2 output tokens
  Throughput throughput;
  int64_t kv_peak_blocks = 0, kv_total_blocks = 0;  // instance: its cache; cluster: the fullest instance
  double cache_hit_rate = 0;
};

struct SloClassFigures {
  std::string name;  // "default" for requests without a class
  int64_t requests = 0, completed = 0;
  metrics::LatencySummary ttft, tpot, e2e;
};

// One stage of a faithful inference-perf run (the requests its send window holds).
struct StageFigures {
  int64_t index = 0;
  double rate = 0;        // the configured req/s
  int64_t duration_s = 0;
  int64_t requests = 0, completed = 0;
  metrics::LatencySummary ttft, tpot, e2e;
};

struct TraceFigures {
  int64_t decisions = 0, admitted = 0, rejected = 0;
  double mean_regret = 0, max_regret = 0;
};

struct RunSummary {
  RunHeader header;
  BlockFigures cluster;
  std::vector<BlockFigures> instances;  // every instance, in index order
  std::vector<SloClassFigures> slo_classes;  // by name; empty unless a request named a class
  std::vector<StageFigures> stages;          // faithful inference-perf runs only
  int64_t rejected = 0, priority_inversions = 0, hol_blocking = 0;
  double preemption_rate = 0, thrashing_rate = 0;
  std::optional<metrics::FitnessResult> fitness;
  std::optional<TraceFigures> trace;  // when the scenario asked for the trace summary
};

// `computed`: what build_report computed for the reference's blocks (the same numbers).
RunSummary summarize_run(const cluster::ClusterSimulation& sim, const config::RunConfig& config,
                         const metrics::ReportFigures& computed);

// The workload in one line: "distribution: 10 req/s, 500 requests, prompt 512 ± 256 tokens ...".
std::string describe_workload(const config::RunConfig& config);

}  // namespace blis::report
