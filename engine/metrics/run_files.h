// The files a finished run writes besides stdout: the results file's request records in the
// reference's order (engine-core §7.6) and the workload export as trace v2 (trace_export.h).
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "engine/cluster/cluster_simulation.h"
#include "engine/config/run_config.h"
#include "engine/metrics/go_json.h"
#include "engine/request/request.h"
#include "engine/workload/trace_export.h"

namespace blis::metrics {

std::vector<const Request*> results_order(const std::deque<Request>& requests);
void write_request_record(JsonWriter& w, const Request& r, const std::string& handled_by);
void export_workload(const config::RunConfig& config, const cluster::ClusterSimulation& sim,
                     workload::WorkloadRecorder& recorder);

}  // namespace blis::metrics
