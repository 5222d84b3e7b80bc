// A grouped bar chart: categories along x, one bar per series in each, with optional 95% CI
// whiskers (experiments over a non-numeric axis; per-SLO-class shares). Missing values (NaN)
// leave a gap.
#pragma once

#include <string>
#include <vector>

namespace blis::report::html {

struct BarSeries {
  std::string name;
  std::vector<double> values;      // one per category; NaN: none
  std::vector<double> low, high;   // whiskers (one per category), or empty
};

struct BarPlot {
  std::string id, title, x_label, y_label;
  std::vector<std::string> categories;
  std::vector<BarSeries> series;
};

std::string render_bar_plot(const BarPlot& plot);

}  // namespace blis::report::html
