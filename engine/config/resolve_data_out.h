// The data-out keys (export.requests_csv, export.timeseries, export.timeseries_interval_us;
// `blis run --requests-csv, --timeseries, --timeseries-interval-us`): checked before the run so
// a bad interval or two outputs on one path never waste a simulation.
#pragma once

#include "engine/config/run_config.h"
#include "engine/config/scenario_spec.h"

namespace blis::config {

// Fills c.requests_csv, c.timeseries, c.timeseries_interval and c.html. Needs c.results_path,
// c.trace_file and c.workload_export(_data) resolved: an output may not share a path with
// another output of the run. Rejects, naming the key or flag, an interval <= 0 and an interval
// without a time series.
void resolve_data_out(const ScenarioSpec& spec, RunConfig& c);

}  // namespace blis::config
