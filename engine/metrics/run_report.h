// Everything a finished run prints (engine-core §7.3, cluster-workload-trace §E.7) and the
// --results-path file (§7.6), built from the cluster's final state.
#pragma once

#include "engine/cluster/cluster_simulation.h"
#include "engine/config/run_config.h"
#include "engine/simulation.h"

namespace blis::metrics {

SimulationOutput build_report(const cluster::ClusterSimulation& sim, const config::RunConfig& config,
                              const DiagnosticSink& log);

}  // namespace blis::metrics
