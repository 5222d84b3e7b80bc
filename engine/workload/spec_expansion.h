// Workload-spec forms that expand into clients: inference-perf (cluster-workload-trace §D.15)
// and ServeGen data directories (§D.14).
#pragma once

#include "engine/simulation.h"
#include "engine/workload/workload_spec.h"

namespace blis::workload {

// When the spec has no clients: an `inference_perf` block becomes its N x M clients (and the
// category and aggregate rate when the spec leaves them unset). Throws blis::Error
// "expanding inference-perf spec: validating inference-perf spec: ...".
void expand_workload_sources(WorkloadSpecFile& spec, const DiagnosticSink& log);

// §D.15's validation of the block; throws blis::Error with the bare reason ("at least one stage
// is required"), which callers prefix.
void validate_inference_perf(const InferencePerfSpec& ip);

}  // namespace blis::workload
