#include "engine/report/html/bar_plot.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "engine/report/html/markup_text.h"
#include "engine/report/html/plot_frame.h"

namespace blis::report::html {

std::string render_bar_plot(const BarPlot& plot) {
  double lo = 0, hi = 0;  // bars start at zero
  const auto add = [&](double v) {
    if (!std::isfinite(v)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  };
  for (const BarSeries& s : plot.series) {
    for (double v : s.values) add(v);
    for (double v : s.low) add(v);
    for (double v : s.high) add(v);
  }
  if (lo == hi) hi = 1;
  const AxisScale y_scale = nice_scale(lo, hi, 6);
  std::vector<LegendEntry> legend;
  for (size_t k = 0; k < plot.series.size(); ++k) legend.push_back({plot.series[k].name, k});
  const PlotFrame frame(plot.id, plot.title, plot.x_label, plot.y_label, y_scale, legend);

  const size_t groups = std::max<size_t>(1, plot.categories.size());
  const double group_width = frame.plot_width() / static_cast<double>(groups);
  const double bar_width = group_width * 0.8 / static_cast<double>(std::max<size_t>(1, plot.series.size()));
  std::string out = frame.begin();
  out += "<g class=\"axis x-axis\">\n";
  for (size_t c = 0; c < plot.categories.size(); ++c) {
    const double centre = frame.x_left() + (static_cast<double>(c) + 0.5) * group_width;
    out += frame.x_tick(centre, fit_label(plot.categories[c], 24), false);
  }
  out += "</g>\n";
  const double zero = frame.y_of(std::clamp(0.0, y_scale.lo, y_scale.hi));
  for (size_t k = 0; k < plot.series.size(); ++k) {
    const BarSeries& s = plot.series[k];
    out += fmt::format("<g class=\"series\" data-series=\"{}\"><title>{}</title>\n", k, escape(s.name));
    for (size_t c = 0; c < plot.categories.size() && c < s.values.size(); ++c) {
      const double v = s.values[c];
      if (!std::isfinite(v)) continue;
      const double x = frame.x_left() + static_cast<double>(c) * group_width + group_width * 0.1 +
                       static_cast<double>(k) * bar_width;
      const double top = frame.y_of(v);
      const bool whisker = c < s.low.size() && c < s.high.size() && std::isfinite(s.low[c]) && std::isfinite(s.high[c]);
      std::string tip = fmt::format("{}, {}: {}", s.name, plot.categories[c], short_number(v));
      if (whisker) tip += fmt::format(" (95% CI {} to {})", short_number(s.low[c]), short_number(s.high[c]));
      out += fmt::format("<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}</title></rect>\n",
                         coord(x), coord(std::min(top, zero)), coord(bar_width * 0.92), coord(std::fabs(zero - top)),
                         series_colour(k), escape(tip));
      if (whisker) {
        const double mid = x + bar_width * 0.46;
        out += fmt::format(
            "<path class=\"whisker\" d=\"M{} {} V{} M{} {} H{} M{} {} H{}\" stroke=\"#222\" stroke-width=\"1.5\" fill=\"none\"/>\n",
            coord(mid), coord(frame.y_of(s.low[c])), coord(frame.y_of(s.high[c])), coord(mid - 4),
            coord(frame.y_of(s.low[c])), coord(mid + 4), coord(mid - 4), coord(frame.y_of(s.high[c])), coord(mid + 4));
      }
    }
    out += "</g>\n";
  }
  return out + frame.end();
}

}  // namespace blis::report::html
