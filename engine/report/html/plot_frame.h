// What every plot of the HTML report shares: the SVG element with its title, the plot area, a
// y axis with grid lines at nice ticks, the axis labels, and the legend below the plot. The
// plot kinds (xy_plot.h, bar_plot.h) draw inside it. Fixed sizes: every plot of a page lines up.
#pragma once

#include <string>
#include <vector>

#include "engine/report/html/nice_ticks.h"

namespace blis::report::html {

// The colour of series `index` (Tableau 10, distinguishable in print and by most colour-blind
// readers) and, past ten series, a dash pattern so the eleventh is not the first again.
std::string series_colour(size_t index);
std::string series_dash(size_t index);  // "" or ` stroke-dasharray="..."`

struct LegendEntry {
  std::string name;
  size_t index = 0;  // colour / dash
};

class PlotFrame {
 public:
  static constexpr double kWidth = 760, kPlotHeight = 300;
  static constexpr double kLeft = 78, kRight = 24, kTop = 40, kBottom = 52;

  // `entries`: the legend (one row per three entries, below the x-axis label).
  PlotFrame(std::string id, std::string title, std::string x_label, std::string y_label, AxisScale y,
            std::vector<LegendEntry> entries);

  double plot_width() const { return kWidth - kLeft - kRight; }
  double x_left() const { return kLeft; }
  double x_right() const { return kLeft + plot_width(); }
  double y_of(double value) const;  // the pixel row of a y value
  double y_bottom() const { return kTop + kPlotHeight; }

  // <svg ...>, title, grid and y axis; the caller then adds its x axis and series, and end().
  std::string begin() const;
  // An x tick: a short line under the axis, and its label; a vertical grid line when `grid`.
  std::string x_tick(double px, const std::string& label, bool grid) const;
  // The legend and </svg>.
  std::string end() const;

 private:
  double height() const;
  std::string id_, title_, x_label_, y_label_;
  AxisScale y_;
  std::vector<LegendEntry> entries_;
};

// Text that fits a legend column: cut (on a UTF-8 boundary) with "…" past `max_bytes`.
std::string fit_label(const std::string& text, size_t max_bytes);

}  // namespace blis::report::html
