// The report people read (docs/output.md, "The human report"): a header naming what ran, then
// tables of latency in ms, throughput, KV figures, per instance, per SLO class and per stage.
// The tables are also data (report_sections) for the HTML report, which shows the same ones.
#pragma once

#include <string>
#include <vector>

#include "engine/report/run_summary.h"
#include "engine/report/text_table.h"

namespace blis::report {

std::string render_human(const RunSummary& s);

// The header's lines, in order ("model", "deployment", "latency model", "KV cache", "batch
// limits", "workload", "mode"): the human report prints them, `blis compare` sets two side by side
// (without the seed, which it varies).
struct HeaderField {
  std::string name, value;
};
std::vector<HeaderField> header_fields(const RunHeader& h, bool with_seed = true);

struct ReportSection {
  TextTable table;   // its header row names the section ("Latency (ms)", "Per instance", ...)
  std::string note;  // printed under it ("  (latencies in ms)\n"), or ""
};

// The header: model, deployment, latency model, KV cache, batch limits, workload, mode.
TextTable header_table(const RunHeader& h);
// "Requests: 500 injected, 500 completed (58.612 s simulated)\n"
std::string requests_line(const RunSummary& s);
// The tables after the requests line, in the human report's order.
std::vector<ReportSection> report_sections(const RunSummary& s);

}  // namespace blis::report
