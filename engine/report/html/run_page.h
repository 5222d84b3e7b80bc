// The HTML report of one run (`--html FILE`, scenario key export.html; docs/output.md, "The HTML
// report"): the human report's header and tables, then TTFT / ITL / E2E CDFs, per-instance
// queue depth, running batch and KV usage over time, throughput over time, and per SLO class
// the share of requests within any latency (CDFs over all of the class's requests) and the
// share completed.
#pragma once

#include <string>

#include "engine/cluster/cluster_simulation.h"
#include "engine/metrics/run_report.h"
#include "engine/report/html/run_series.h"
#include "engine/report/run_summary.h"

namespace blis::report::html {

std::string render_run_page(const RunSummary& summary, const metrics::ReportFigures& figures,
                            const cluster::ClusterSimulation& sim, const RunSeries& series);

}  // namespace blis::report::html
