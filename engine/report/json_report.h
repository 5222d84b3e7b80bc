// The report for programs (docs/output.md, "The JSON report"): one JSON document, schema
// "blis-report/1", units in the key names (ttft_ms.p99, throughput.output_tokens_per_s), the
// run's configuration, and per-instance, per-SLO-class and per-stage blocks.
#pragma once

#include <string>

#include "engine/report/run_summary.h"

namespace blis::report {

inline constexpr const char* kJsonReportSchema = "blis-report/1";

std::string render_json(const RunSummary& s);

}  // namespace blis::report
