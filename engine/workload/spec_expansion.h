// Workload-spec forms that expand into clients: inference-perf (cluster-workload-trace §D.15)
// and ServeGen data directories (§D.14).
#pragma once

#include "engine/core/corrections.h"
#include "engine/simulation.h"
#include "engine/workload/workload_spec.h"

namespace blis::workload {

// When the spec has no clients: an `inference_perf` block becomes its N x M clients (and the
// category and aggregate rate when the spec leaves them unset), a `servegen_data` directory one
// client per chunk. Then, with the empirical_file_read correction, every empirical
// distribution's `file` is read into its bins. Throws blis::Error
// "expanding inference-perf spec: validating inference-perf spec: ...", "loading ServeGen data:
// ...", "client[i].input_distribution.file: <file>: line N: ...".
void expand_workload_sources(WorkloadSpecFile& spec, const core::Corrections& corrections, const DiagnosticSink& log);

// §D.15's validation of the block; throws blis::Error with the bare reason ("at least one stage
// is required"), which callers prefix.
void validate_inference_perf(const InferencePerfSpec& ip);

}  // namespace blis::workload
