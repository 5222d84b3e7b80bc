// The HTML report of an experiment script (`blis EXPERIMENT.lua --html FILE`, `blis merge ...
// --html FILE`; docs/experiments.md): per experiment, a table of every combination of axis
// values with each metric's mean and 95% confidence interval across seeds, then for each
// collected metric and each axis a plot of the mean against that axis with one line (or bar)
// per combination of the other axes: a line with its CI band for a numeric axis, bars with CI
// whiskers otherwise. Built from numbers only, so --jobs, --shard and merge give the same bytes.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace blis::report::html {

struct ExperimentAxis {
  std::string name;
  std::vector<std::string> labels;  // in the order the script gave them
  std::vector<double> numbers;      // the values when every one is a number; empty otherwise
};

struct MetricStats {
  int64_t n = 0;  // seeds that produced the metric
  double mean = std::numeric_limits<double>::quiet_NaN();
  double low = std::numeric_limits<double>::quiet_NaN(), high = std::numeric_limits<double>::quiet_NaN();
};

// One combination of axis values (all its seeds).
struct ExperimentGroup {
  std::vector<size_t> label_index;  // per axis: an index into its labels
  std::vector<MetricStats> stats;   // per metric
};

struct ExperimentChart {
  std::string name;  // "" when the script named none
  std::vector<ExperimentAxis> axes;
  std::vector<std::string> metrics;
  std::vector<ExperimentGroup> groups;  // in point order
};

// `script`: the experiment script's path, for the page's title.
std::string render_experiment_page(const std::string& script, const std::vector<ExperimentChart>& experiments);

}  // namespace blis::report::html
