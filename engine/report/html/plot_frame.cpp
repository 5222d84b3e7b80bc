#include "engine/report/html/plot_frame.h"

#include <fmt/format.h>

#include "engine/report/html/markup_text.h"

namespace blis::report::html {

namespace {

constexpr const char* kColours[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#7f7f7f"};
constexpr size_t kColourCount = sizeof(kColours) / sizeof(kColours[0]);
constexpr const char* kDashes[] = {"", "6 3", "2 3", "8 3 2 3"};
constexpr size_t kLegendColumns = 3;
constexpr double kLegendRow = 18;

}  // namespace

std::string series_colour(size_t index) { return kColours[index % kColourCount]; }

std::string series_dash(size_t index) {
  const char* dash = kDashes[(index / kColourCount) % (sizeof(kDashes) / sizeof(kDashes[0]))];
  return *dash == '\0' ? std::string() : fmt::format(" stroke-dasharray=\"{}\"", dash);
}

std::string fit_label(const std::string& text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "\xE2\x80\xA6";
}

PlotFrame::PlotFrame(std::string id, std::string title, std::string x_label, std::string y_label, AxisScale y,
                     std::vector<LegendEntry> entries)
    : id_(std::move(id)),
      title_(std::move(title)),
      x_label_(std::move(x_label)),
      y_label_(std::move(y_label)),
      y_(std::move(y)),
      entries_(std::move(entries)) {}

double PlotFrame::height() const {
  const size_t rows = (entries_.size() + kLegendColumns - 1) / kLegendColumns;
  return kTop + kPlotHeight + kBottom + static_cast<double>(rows) * kLegendRow + (rows > 0 ? 6 : 0);
}

double PlotFrame::y_of(double value) const {
  const double span = y_.hi - y_.lo;
  return kTop + kPlotHeight - (value - y_.lo) / span * kPlotHeight;
}

std::string PlotFrame::begin() const {
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"blis-plot\" id=\"{}\" width=\"{}\" height=\"{}\" "
      "viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\">\n<title>{}</title>\n",
      escape(id_), coord(kWidth), coord(height()), coord(kWidth), coord(height()), escape(title_), escape(title_));
  out += fmt::format("<text class=\"plot-title\" x=\"{}\" y=\"22\">{}</text>\n", coord(kLeft), escape(title_));
  out += "<g class=\"grid y-grid\">\n";
  for (const double t : y_.ticks) {
    out += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>\n", coord(x_left()), coord(x_right()),
                       coord(y_of(t)), coord(y_of(t)));
  }
  out += "</g>\n<g class=\"axis y-axis\">\n";
  for (const double t : y_.ticks) {
    out += fmt::format("<text class=\"tick-label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n",
                       coord(kLeft - 6), coord(y_of(t) + 4), escape(short_number(t)));
  }
  out += fmt::format("<line class=\"axis-line\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>\n", coord(x_left()),
                     coord(x_left()), coord(kTop), coord(y_bottom()));
  out += fmt::format("<line class=\"axis-line\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>\n", coord(x_left()),
                     coord(x_right()), coord(y_bottom()), coord(y_bottom()));
  out += "</g>\n";
  out += fmt::format(
      "<text class=\"axis-label y-label\" transform=\"translate(16 {}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n",
      coord(kTop + kPlotHeight / 2), escape(y_label_));
  out += fmt::format("<text class=\"axis-label x-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                     coord(x_left() + plot_width() / 2), coord(y_bottom() + 38), escape(x_label_));
  return out;
}

std::string PlotFrame::x_tick(double px, const std::string& label, bool grid) const {
  std::string out;
  if (grid) {
    out += fmt::format("<line class=\"grid x-grid\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>\n", coord(px), coord(px),
                       coord(kTop), coord(y_bottom()));
  }
  out += fmt::format("<line class=\"axis-line\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>\n", coord(px), coord(px),
                     coord(y_bottom()), coord(y_bottom() + 5));
  out += fmt::format("<text class=\"tick-label x-tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                     coord(px), coord(y_bottom() + 18), escape(label));
  return out;
}

std::string PlotFrame::end() const {
  std::string out;
  if (!entries_.empty()) {
    out += "<g class=\"legend\">\n";
    const double column = plot_width() / static_cast<double>(kLegendColumns);
    for (size_t k = 0; k < entries_.size(); ++k) {
      const double x = x_left() + static_cast<double>(k % kLegendColumns) * column;
      const double y = y_bottom() + kBottom + static_cast<double>(k / kLegendColumns) * kLegendRow;
      const LegendEntry& e = entries_[k];
      out += fmt::format(
          "<g class=\"legend-entry\"><title>{}</title><line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"{}\" "
          "stroke-width=\"3\"{}/><text x=\"{}\" y=\"{}\">{}</text></g>\n",
          escape(e.name), coord(x), coord(x + 22), coord(y - 4), coord(y - 4), series_colour(e.index),
          series_dash(e.index), coord(x + 28), coord(y), escape(fit_label(e.name, 34)));
    }
    out += "</g>\n";
  }
  return out + "</svg>\n";
}

}  // namespace blis::report::html
