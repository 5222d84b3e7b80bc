#include "engine/report/html/xy_plot.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/report/html/markup_text.h"
#include "engine/report/html/plot_frame.h"

namespace blis::report::html {

namespace {

// Points marked one by one (with a tooltip) up to this many per series.
constexpr size_t kMarkedPoints = 60;

struct Range {
  double lo = std::numeric_limits<double>::infinity(), hi = -std::numeric_limits<double>::infinity();
  void add(double v) {
    if (!std::isfinite(v)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  bool empty() const { return lo > hi; }
};

}  // namespace

std::string render_xy_plot(const XyPlot& plot) {
  Range xs, ys;
  for (const XySeries& s : plot.series) {
    for (size_t i = 0; i < s.points.size(); ++i) {
      xs.add(s.points[i].x);
      ys.add(s.points[i].y);
      if (i < s.low.size()) ys.add(s.low[i]);
      if (i < s.high.size()) ys.add(s.high[i]);
    }
  }
  if (xs.empty()) xs = {0, 1};
  if (ys.empty()) ys = {0, 1};
  if (plot.y_range) ys = {plot.y_range->first, plot.y_range->second};
  else if (plot.y_from_zero && ys.lo >= 0) ys.lo = 0;
  const AxisScale x_scale = nice_scale(xs.lo, xs.hi, 8);
  const AxisScale y_scale = plot.y_range ? AxisScale{ys.lo, ys.hi, nice_scale(ys.lo, ys.hi, 6).ticks}
                                         : nice_scale(ys.lo, ys.hi, 6);
  std::vector<LegendEntry> legend;
  for (size_t k = 0; k < plot.series.size(); ++k) legend.push_back({plot.series[k].name, k});
  const PlotFrame frame(plot.id, plot.title, plot.x_label, plot.y_label, y_scale, legend);
  const auto px = [&](double x) {
    return frame.x_left() + (x - x_scale.lo) / (x_scale.hi - x_scale.lo) * frame.plot_width();
  };
  const auto py = [&](double y) { return frame.y_of(std::clamp(y, y_scale.lo, y_scale.hi)); };

  std::string out = frame.begin();
  out += "<g class=\"axis x-axis\">\n";
  for (const double t : x_scale.ticks) out += frame.x_tick(px(t), short_number(t), true);
  out += "</g>\n";
  for (size_t k = 0; k < plot.series.size(); ++k) {
    const XySeries& s = plot.series[k];
    const std::string colour = series_colour(k);
    out += fmt::format("<g class=\"series\" data-series=\"{}\"><title>{}</title>\n", k, escape(s.name));
    if (!s.low.empty() && s.low.size() == s.points.size() && s.high.size() == s.points.size()) {
      std::string d;
      for (size_t i = 0; i < s.points.size(); ++i) {
        d += fmt::format("{}{} {}", i == 0 ? "M" : " L", coord(px(s.points[i].x)), coord(py(s.high[i])));
      }
      for (size_t i = s.points.size(); i-- > 0;) {
        d += fmt::format(" L{} {}", coord(px(s.points[i].x)), coord(py(s.low[i])));
      }
      out += fmt::format("<path class=\"band\" d=\"{} Z\" fill=\"{}\" fill-opacity=\"0.18\" stroke=\"none\"/>\n", d,
                         colour);
    }
    if (s.style != XySeries::Style::Markers && !s.points.empty()) {
      std::string d;
      for (size_t i = 0; i < s.points.size(); ++i) {
        const std::string x = coord(px(s.points[i].x)), y = coord(py(s.points[i].y));
        if (i == 0) d += fmt::format("M{} {}", x, y);
        else if (s.style == XySeries::Style::Step) d += fmt::format(" H{} V{}", x, y);
        else d += fmt::format(" L{} {}", x, y);
      }
      out += fmt::format("<path class=\"line\" d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{}/>\n", d,
                         colour, series_dash(k));
    }
    if (s.style == XySeries::Style::Markers || s.points.size() <= kMarkedPoints) {
      const double radius = s.style == XySeries::Style::Markers ? 4 : 3;
      for (size_t i = 0; i < s.points.size(); ++i) {
        std::string tip = fmt::format("{}: {} = {}, {} = {}", s.name, plot.x_label, short_number(s.points[i].x),
                                      plot.y_label, short_number(s.points[i].y));
        if (i < s.low.size() && i < s.high.size()) {
          tip += fmt::format(" (95% CI {} to {})", short_number(s.low[i]), short_number(s.high[i]));
        }
        out += fmt::format("<circle class=\"marker\" cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\"><title>{}</title></circle>\n",
                           coord(px(s.points[i].x)), coord(py(s.points[i].y)), coord(radius), colour, escape(tip));
      }
    }
    out += "</g>\n";
  }
  return out + frame.end();
}

}  // namespace blis::report::html
