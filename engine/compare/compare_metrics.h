// What `blis compare` sets side by side: a fixed list of a run's figures, named as the JSON report
// names them (docs/output.md), each read from a RunSummary as one number per run.
#pragma once

#include <string>
#include <vector>

#include "engine/report/run_summary.h"

namespace blis::compare {

struct CompareMetric {
  const char* key;    // as in the JSON report: "ttft_ms.p99", "throughput.output_tokens_per_s"
  const char* title;  // the human table's row: "TTFT p99 (ms)"
  int decimals;       // in the human table
};

const std::vector<CompareMetric>& compare_metrics();

// One value per compare_metrics() entry, in order. NaN where the run has no such figure (no
// completed request with two output tokens has no TPOT).
std::vector<double> metric_values(const report::RunSummary& s);

}  // namespace blis::compare
