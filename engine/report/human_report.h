// The report people read (docs/output.md, "The human report"): a header naming what ran, then
// tables of latency in ms, throughput, KV figures, per instance, per SLO class and per stage.
#pragma once

#include <string>

#include "engine/report/run_summary.h"

namespace blis::report {

std::string render_human(const RunSummary& s);

}  // namespace blis::report
