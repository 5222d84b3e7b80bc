// The anomaly counters of the report (cluster-workload-trace §E.3): priority inversions and
// head-of-line blocking, computed from a finished cluster run.
#pragma once

#include <cstdint>
#include <string>

#include "engine/cluster/cluster_simulation.h"

namespace blis::metrics {

int64_t priority_inversions(const cluster::ClusterSimulation& sim, const std::string& policy);
int64_t hol_blocking_events(const cluster::ClusterSimulation& sim);

}  // namespace blis::metrics
