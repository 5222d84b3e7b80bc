// Workload-spec forms that expand into clients (cluster-workload-trace §D.15 inference-perf;
// §D.14 ServeGen data is rejected with a clear message in this build).
#pragma once

#include "engine/simulation.h"
#include "engine/workload/workload_spec.h"

namespace blis::workload {

// When the spec has no clients: an `inference_perf` block becomes its N x M clients (and the
// category and aggregate rate when the spec leaves them unset). Throws blis::Error
// "expanding inference-perf spec: validating inference-perf spec: ...".
void expand_workload_sources(WorkloadSpecFile& spec, const DiagnosticSink& log);

}  // namespace blis::workload
