// Empirical CDFs for the HTML report's latency plots, with a bounded number of points: a run of
// a million requests draws the same ~500-point staircase as its exact one would at screen
// resolution. A point is (value, share of `total` at or below it); points are taken where the
// cumulative share crosses each 1/max_points step, plus the first and the last value, so the
// median, the tails and the maximum stay where they are.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "engine/report/html/xy_plot.h"

namespace blis::report::html {

inline constexpr size_t kCdfPoints = 500;

// `sorted`: ascending values; each x is value * scale (ticks to ms: 1e-3). `total`: what the
// shares are of (0: sorted.size()); a larger total (a class's requests, completed or not) makes
// the curve end below 1 at the share that finished.
std::vector<XyPoint> cdf_of_sorted(const std::vector<double>& sorted, double scale, size_t max_points = kCdfPoints,
                                   double total = 0);

// The same from distinct values ascending with their counts (a TickHistogram's sorted_runs()).
std::vector<XyPoint> cdf_of_runs(const std::vector<std::pair<int64_t, int64_t>>& runs, double scale,
                                 size_t max_points = kCdfPoints);

}  // namespace blis::report::html
