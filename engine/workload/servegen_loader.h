// ServeGen data directories (cluster-workload-trace §D.14): one client per chunk, its arrival
// process and rate from the chunk's trace CSV (the busiest row in the span), its prompt and
// output length PDFs from the chunk's dataset JSON (the first window in the span with both).
#pragma once

#include <vector>

#include "engine/core/corrections.h"
#include "engine/simulation.h"
#include "engine/workload/workload_spec.h"

namespace blis::workload {

// Throws blis::Error: no chunk files, an unreadable or malformed file (named), a chunk without
// a usable window, "no valid chunks found". Chunks and windows are taken in byte order (the
// reference's, NOTE 10) or, with servegen_numeric_order, in numeric order.
std::vector<ClientSpec> load_servegen_clients(const ServeGenSpec& data, const core::Corrections& corrections,
                                              const DiagnosticSink& log);

}  // namespace blis::workload
