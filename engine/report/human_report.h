// The report people read (docs/output.md, "The human report"): a header naming what ran, then
// tables of latency in ms, throughput, KV figures, per instance, per SLO class and per stage.
#pragma once

#include <string>
#include <vector>

#include "engine/report/run_summary.h"

namespace blis::report {

std::string render_human(const RunSummary& s);

// The header's lines, in order ("model", "deployment", "latency model", "KV cache", "batch
// limits", "workload", "mode"): the human report prints them, `blis compare` sets two side by side
// (without the seed, which it varies).
struct HeaderField {
  std::string name, value;
};
std::vector<HeaderField> header_fields(const RunHeader& h, bool with_seed = true);

}  // namespace blis::report
