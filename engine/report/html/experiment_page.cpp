#include "engine/report/html/experiment_page.h"

#include <fmt/format.h>

#include <cmath>
#include <map>

#include "engine/report/html/html_page.h"
#include "engine/report/html/markup_text.h"

namespace blis::report::html {

namespace {

std::string stat_text(const MetricStats& s) {
  if (s.n == 0 || !std::isfinite(s.mean)) return "-";
  if (s.n == 1) return short_number(s.mean);
  return fmt::format("{} [{}, {}]", short_number(s.mean), short_number(s.low), short_number(s.high));
}

void add_table(HtmlPage& page, const ExperimentChart& ex) {
  std::vector<std::string> header;
  for (const ExperimentAxis& a : ex.axes) header.push_back(a.name);
  header.push_back("seeds");
  for (const std::string& m : ex.metrics) header.push_back(m + " (95% CI)");
  std::vector<std::vector<std::string>> rows;
  for (const ExperimentGroup& g : ex.groups) {
    std::vector<std::string> row;
    int64_t seeds = 0;
    for (size_t a = 0; a < ex.axes.size(); ++a) row.push_back(ex.axes[a].labels.at(g.label_index.at(a)));
    for (const MetricStats& s : g.stats) seeds = std::max(seeds, s.n);
    row.push_back(fmt::format("{}", seeds));
    for (const MetricStats& s : g.stats) row.push_back(stat_text(s));
    rows.push_back(std::move(row));
  }
  page.add_table(header, rows, ex.axes.size());
}

// The other axes' labels of a group, as a series name ("routing=rr, scheduler=fcfs").
std::string others_name(const ExperimentChart& ex, const ExperimentGroup& g, size_t axis) {
  std::string name;
  for (size_t a = 0; a < ex.axes.size(); ++a) {
    if (a == axis) continue;
    name += fmt::format("{}{}={}", name.empty() ? "" : ", ", ex.axes[a].name, ex.axes[a].labels.at(g.label_index[a]));
  }
  return name.empty() ? std::string("mean") : name;
}

// Groups by the other axes' labels (in first-appearance order), each with its group per label of `axis`.
struct Line {
  std::string name;
  std::vector<const ExperimentGroup*> at;  // per label of the axis (null: not run)
};

std::vector<Line> lines_along(const ExperimentChart& ex, size_t axis) {
  std::vector<Line> lines;
  std::map<std::string, size_t> index;
  for (const ExperimentGroup& g : ex.groups) {
    const std::string name = others_name(ex, g, axis);
    auto [it, fresh] = index.emplace(name, lines.size());
    if (fresh) lines.push_back({name, std::vector<const ExperimentGroup*>(ex.axes[axis].labels.size(), nullptr)});
    lines[it->second].at.at(g.label_index.at(axis)) = &g;
  }
  return lines;
}

void add_plot(HtmlPage& page, const ExperimentChart& ex, size_t e, size_t m, size_t a) {
  const ExperimentAxis& axis = ex.axes[a];
  const std::string id = fmt::format("ex{}-m{}-a{}", e + 1, m + 1, a + 1);
  const std::string title = fmt::format("{} by {}", ex.metrics[m], axis.name);
  const std::vector<Line> lines = lines_along(ex, a);
  if (!axis.numbers.empty()) {
    XyPlot plot;
    plot.id = id;
    plot.title = title;
    plot.x_label = axis.name;
    plot.y_label = ex.metrics[m];
    plot.y_from_zero = false;
    for (const Line& line : lines) {
      XySeries s;
      s.name = line.name;
      for (size_t k = 0; k < line.at.size(); ++k) {
        if (line.at[k] == nullptr) continue;
        const MetricStats& st = line.at[k]->stats.at(m);
        if (st.n == 0 || !std::isfinite(st.mean)) continue;
        s.points.push_back({axis.numbers[k], st.mean});
        s.low.push_back(std::isfinite(st.low) ? st.low : st.mean);
        s.high.push_back(std::isfinite(st.high) ? st.high : st.mean);
      }
      plot.series.push_back(std::move(s));
    }
    page.add_line_plot(plot);
    return;
  }
  BarPlot plot;
  plot.id = id;
  plot.title = title;
  plot.x_label = axis.name;
  plot.y_label = ex.metrics[m];
  plot.categories = axis.labels;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const Line& line : lines) {
    BarSeries s{line.name, {}, {}, {}};
    for (const ExperimentGroup* g : line.at) {
      const MetricStats st = g != nullptr ? g->stats.at(m) : MetricStats{};
      const bool ok = st.n > 0 && std::isfinite(st.mean);
      s.values.push_back(ok ? st.mean : nan);
      s.low.push_back(ok && st.n > 1 ? st.low : nan);
      s.high.push_back(ok && st.n > 1 ? st.high : nan);
    }
    plot.series.push_back(std::move(s));
  }
  page.add_bar_plot(plot);
}

}  // namespace

std::string render_experiment_page(const std::string& script, const std::vector<ExperimentChart>& experiments) {
  HtmlPage page("blis experiment: " + script);
  page.add_note("Each figure is the mean over the seeds with its 95% confidence interval (Student t across seeds): "
                "a band around a line, a whisker on a bar. One line or bar per combination of the other axes.");
  for (size_t e = 0; e < experiments.size(); ++e) {
    const ExperimentChart& ex = experiments[e];
    page.add_heading(ex.name.empty() ? fmt::format("Experiment {}", e + 1) : ex.name);
    add_table(page, ex);
    for (size_t m = 0; m < ex.metrics.size(); ++m) {
      for (size_t a = 0; a < ex.axes.size(); ++a) add_plot(page, ex, e, m, a);
    }
  }
  return page.render();
}

}  // namespace blis::report::html
