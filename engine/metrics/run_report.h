// Everything a finished run prints (engine-core §7.3, cluster-workload-trace §E.7) and the
// --results-path file (§7.6), built from the cluster's final state.
#pragma once

#include <optional>

#include "engine/cluster/cluster_simulation.h"
#include "engine/config/run_config.h"
#include "engine/metrics/fitness.h"
#include "engine/metrics/metrics_block.h"
#include "engine/simulation.h"

namespace blis::metrics {

// The figures build_report computed for the reference's blocks, handed to the human and JSON
// reports (engine/report/run_summary.h) so that every format prints the same numbers.
struct ReportFigures {
  MetricsBlock cluster;
  CollectedLatencies cluster_latencies;
  double cache_hit_rate = 0, thrashing_rate = 0, preemption_rate = 0;
  int64_t priority_inversions = 0, hol_blocking = 0;
  std::optional<FitnessResult> fitness;
};

// The reference's printed blocks (SimulationOutput::stdout_text) and every file the run writes.
// `figures`, when given, receives the computed figures.
SimulationOutput build_report(const cluster::ClusterSimulation& sim, const config::RunConfig& config,
                              const DiagnosticSink& log, ReportFigures* figures = nullptr);

}  // namespace blis::metrics
