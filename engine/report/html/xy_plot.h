// Line, step (CDF), band (confidence interval) and scatter plots on numeric x and y axes: one
// SVG element, series in the order given (the legend follows it). Static SVG, no script: a
// series' name is its <title> (a tooltip), and plots with few points mark each point with its
// values as a tooltip.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace blis::report::html {

struct XyPoint {
  double x = 0, y = 0;
};

struct XySeries {
  std::string name;
  std::vector<XyPoint> points;       // in drawing order (x ascending for lines)
  std::vector<double> low, high;     // a band under the line (the same length as points), or empty
  enum class Style { Line, Step, Markers } style = Style::Line;  // Step: a CDF's staircase; Markers: scatter
};

struct XyPlot {
  std::string id;  // the <svg>'s id (unique in the page)
  std::string title, x_label, y_label;
  std::vector<XySeries> series;
  bool y_from_zero = true;                              // start the y axis at 0 when all values are >= 0
  std::optional<std::pair<double, double>> y_range;     // a fixed y range (a CDF's [0, 1])
};

std::string render_xy_plot(const XyPlot& plot);

}  // namespace blis::report::html
