#include "engine/config/resolve_data_out.h"

#include <fmt/format.h>

#include <string>
#include <utility>
#include <vector>

#include "engine/config/scenario_where.h"

namespace blis::config {

namespace {

struct Output {
  const char* key;   // scenario key
  const char* flag;  // blis run flag
  const std::string* path;
};

}  // namespace

void resolve_data_out(const ScenarioSpec& spec, RunConfig& c) {
  c.requests_csv = spec.export_requests_csv.value_or(std::string());
  c.timeseries = spec.export_timeseries.value_or(std::string());
  c.html = spec.export_html.value_or(std::string());
  if (spec.export_timeseries_interval_us) {
    const int64_t interval = *spec.export_timeseries_interval_us;
    if (interval <= 0) {
      reject(spec, "export.timeseries_interval_us",
             fmt::format("--timeseries-interval-us must be > 0 (microseconds of simulated time), got {}", interval),
             fmt::format("must be > 0 (microseconds of simulated time), got {}", interval));
    }
    if (c.timeseries.empty()) {
      reject(spec, "export.timeseries_interval_us", "--timeseries-interval-us needs --timeseries (the file to write)",
             "needs export.timeseries (the file to write)");
    }
    c.timeseries_interval = interval;
  }
  // Two outputs on one path would each replace the other's file (or interleave on a stream):
  // refused, as for the workload export's header and data. /dev/null takes any number.
  const std::vector<Output> outputs{
      {"results_path", "--results-path", &c.results_path},
      {"trace.file", "trace.file", &c.trace_file},
      {"export.workload", "--export-workload", &c.workload_export},
      {"export.workload_data", "--export-workload-data", &c.workload_export_data},
  };
  const std::vector<Output> ours{
      {"export.requests_csv", "--requests-csv", &c.requests_csv},
      {"export.timeseries", "--timeseries", &c.timeseries},
      {"export.html", "--html", &c.html},
  };
  for (size_t i = 0; i < ours.size(); ++i) {
    const Output& mine = ours[i];
    if (mine.path->empty()) continue;
    std::vector<Output> others(ours.begin(), ours.begin() + static_cast<std::ptrdiff_t>(i));
    others.insert(others.end(), outputs.begin(), outputs.end());
    for (const Output& other : others) {
      if (*other.path != *mine.path || *mine.path == "/dev/null") continue;
      reject(spec, mine.key,
             fmt::format("{} and {} are the same file \"{}\"", other.flag, mine.flag, *mine.path),
             fmt::format("is the same file as {}, \"{}\"", other.key, *mine.path));
    }
  }
}

}  // namespace blis::config
