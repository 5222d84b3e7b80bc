#include "engine/report/html/run_page.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>

#include "engine/report/html/cdf.h"
#include "engine/report/html/html_page.h"
#include "engine/report/human_report.h"

namespace blis::report::html {

namespace {

constexpr double kTicksToMs = 1e-3;
constexpr double kTicksToS = 1e-6;

void add_report_tables(HtmlPage& page, const RunSummary& s) {
  std::vector<std::pair<std::string, std::string>> facts;
  const TextTable header = header_table(s.header);
  for (const auto& row : header.rows()) facts.emplace_back(row.at(0), row.size() > 1 ? row[1] : "");
  page.add_facts(facts);
  std::string requests = requests_line(s);
  if (!requests.empty() && requests.back() == '\n') requests.pop_back();
  page.add_note(requests);
  for (const ReportSection& section : report_sections(s)) {
    const auto& rows = section.table.rows();
    std::string note = section.note;
    note.erase(0, note.find_first_not_of(' '));
    if (!note.empty() && note.back() == '\n') note.pop_back();
    page.add_table(rows.front(), {rows.begin() + 1, rows.end()}, 1, note);
  }
}

XyPlot cdf_plot(std::string id, std::string title, std::string x_label) {
  XyPlot p;
  p.id = std::move(id);
  p.title = std::move(title);
  p.x_label = std::move(x_label);
  p.y_label = "share of requests at or below";
  p.y_range = std::make_pair(0.0, 1.0);
  return p;
}

void add_latency_cdfs(HtmlPage& page, const metrics::ReportFigures& f) {
  page.add_heading("Latency distributions");
  page.add_note("Empirical CDFs of the completed requests (ITL: every gap between tokens); a point (x, y): a share y "
                "of them took x ms or less.");
  const auto one = [&](const char* id, const char* title, const char* x_label, std::vector<XyPoint> points) {
    XyPlot p = cdf_plot(id, title, x_label);
    p.series.push_back({"cluster", std::move(points), {}, {}, XySeries::Style::Step});
    page.add_line_plot(p);
  };
  one("cdf-ttft", "TTFT CDF", "TTFT (ms)", cdf_of_sorted(f.cluster_latencies.ttft, kTicksToMs));
  one("cdf-itl", "ITL CDF", "inter-token latency (ms)", cdf_of_runs(f.cluster_latencies.itl.sorted_runs(), kTicksToMs));
  one("cdf-e2e", "E2E latency CDF", "E2E latency (ms)", cdf_of_sorted(f.cluster_latencies.e2e, kTicksToMs));
}

// One line per instance of `value(sample of instance i)` against time in s.
XyPlot per_instance_plot(const RunSeries& series, std::string id, std::string title, std::string y_label,
                         const std::function<double(const output::InstanceSample&)>& value) {
  XyPlot p;
  p.id = std::move(id);
  p.title = std::move(title);
  p.x_label = "simulated time (s)";
  p.y_label = std::move(y_label);
  const size_t n = series.samples().empty() ? 0 : series.samples().front().instances.size();
  for (size_t i = 0; i < n; ++i) {
    XySeries line;
    line.name = fmt::format("instance_{}", i);
    for (const SeriesSample& s : series.samples()) {
      line.points.push_back({static_cast<double>(s.time) * kTicksToS, value(s.instances[i])});
    }
    p.series.push_back(std::move(line));
  }
  return p;
}

// Rates are averaged over bins of several samples (at most kRateBins over the run): a rate
// over one short interval is mostly the noise of which steps fell into it.
constexpr size_t kRateBins = 120;

size_t rate_stride(const RunSeries& series) {
  return std::max<size_t>(1, (series.samples().size() + kRateBins - 1) / kRateBins);
}

// The cluster's rate of a counter over each bin, at the bin's end.
XySeries cluster_rate(const RunSeries& series, std::string name, int64_t output::InstanceSample::*counter) {
  XySeries line;
  line.name = std::move(name);
  const auto& samples = series.samples();
  const size_t stride = rate_stride(series);
  const auto total = [&](size_t k) {
    int64_t sum = 0;
    for (const output::InstanceSample& s : samples[k].instances) sum += s.*counter;
    return sum;
  };
  for (size_t from = 0; from + 1 < samples.size();) {
    const size_t to = std::min(from + stride, samples.size() - 1);
    const double dt = static_cast<double>(samples[to].time - samples[from].time) * kTicksToS;
    if (dt > 0) {
      line.points.push_back({static_cast<double>(samples[to].time) * kTicksToS,
                             static_cast<double>(total(to) - total(from)) / dt});
    }
    from = to;
  }
  return line;
}

void add_time_series(HtmlPage& page, const RunSeries& series) {
  page.add_heading("Over time");
  page.add_note(fmt::format("Gauges (queue, batch, KV) are the state every {} ms of simulated time; rates are "
                            "averaged over the {} ms before each point.",
                            fmt::format("{:.3f}", static_cast<double>(series.interval()) * kTicksToMs),
                            fmt::format("{:.3f}", static_cast<double>(series.interval() * rate_stride(series)) * kTicksToMs)));
  page.add_line_plot(per_instance_plot(series, "ts-queue", "Queue depth per instance", "requests waiting",
                                       [](const output::InstanceSample& s) { return static_cast<double>(s.queue_depth); }));
  page.add_line_plot(per_instance_plot(series, "ts-running", "Running batch per instance", "requests running",
                                       [](const output::InstanceSample& s) { return static_cast<double>(s.running); }));
  XyPlot kv = per_instance_plot(series, "ts-kv", "KV cache usage per instance", "GPU KV blocks in use (%)",
                                [](const output::InstanceSample& s) {
                                  return s.kv_blocks_total > 0 ? 100.0 * static_cast<double>(s.kv_blocks_used) /
                                                                     static_cast<double>(s.kv_blocks_total)
                                                               : 0.0;
                                });
  kv.y_range = std::make_pair(0.0, 100.0);
  page.add_line_plot(kv);
  XyPlot tokens;
  tokens.id = "ts-throughput";
  tokens.title = "Token throughput (cluster)";
  tokens.x_label = "simulated time (s)";
  tokens.y_label = "tokens/s";
  tokens.series.push_back(cluster_rate(series, "output tokens/s", &output::InstanceSample::output_tokens));
  tokens.series.push_back(cluster_rate(series, "prefill tokens/s", &output::InstanceSample::prefill_tokens));
  page.add_line_plot(tokens);
  XyPlot done;
  done.id = "ts-completions";
  done.title = "Completed requests (cluster)";
  done.x_label = "simulated time (s)";
  done.y_label = "requests/s";
  done.series.push_back(cluster_rate(series, "completed requests/s", &output::InstanceSample::completed));
  page.add_line_plot(done);
}

// Per SLO class: TTFT and E2E CDFs over all of its requests (a request that never finished is
// never "within" any latency, so a curve ends at the share completed), and the share completed.
void add_slo_classes(HtmlPage& page, const RunSummary& s, const cluster::ClusterSimulation& sim) {
  page.add_heading("Per SLO class");
  if (s.slo_classes.empty()) {
    page.add_note("No request of this workload names an SLO class: nothing to show per class.");
    return;
  }
  page.add_note("The workload states classes but no latency targets: the attainment of a target of x ms is the "
                "curve's height at x (over every request of the class, so a curve ends at the share that completed).");
  struct Lists {
    std::vector<double> ttft, e2e;
    double requests = 0;
  };
  std::map<std::string, Lists> by_class;
  for (const Request& r : sim.requests()) {
    if (!r.registered) continue;
    Lists& l = by_class[r.slo_class.empty() ? "default" : r.slo_class];
    l.requests += 1;
    if (r.completed) {
      l.ttft.push_back(static_cast<double>(r.first_token_time));
      l.e2e.push_back(static_cast<double>(r.e2e));
    }
  }
  XyPlot ttft = cdf_plot("slo-ttft", "TTFT attainment per SLO class", "TTFT target (ms)");
  XyPlot e2e = cdf_plot("slo-e2e", "E2E attainment per SLO class", "E2E target (ms)");
  ttft.y_label = e2e.y_label = "share of the class within target";
  BarPlot share;
  share.id = "slo-completed";
  share.title = "Requests completed per SLO class";
  share.x_label = "SLO class";
  share.y_label = "share completed";
  BarSeries completed{"completed", {}, {}, {}};
  for (auto& [name, l] : by_class) {
    std::sort(l.ttft.begin(), l.ttft.end());
    std::sort(l.e2e.begin(), l.e2e.end());
    ttft.series.push_back({name, cdf_of_sorted(l.ttft, kTicksToMs, kCdfPoints, l.requests), {}, {}, XySeries::Style::Step});
    e2e.series.push_back({name, cdf_of_sorted(l.e2e, kTicksToMs, kCdfPoints, l.requests), {}, {}, XySeries::Style::Step});
    share.categories.push_back(name);
    completed.values.push_back(l.requests > 0 ? static_cast<double>(l.e2e.size()) / l.requests : 0.0);
  }
  share.series.push_back(std::move(completed));
  page.add_line_plot(ttft);
  page.add_line_plot(e2e);
  page.add_bar_plot(share);
}

}  // namespace

std::string render_run_page(const RunSummary& summary, const metrics::ReportFigures& figures,
                            const cluster::ClusterSimulation& sim, const RunSeries& series) {
  HtmlPage page("blis run: " + summary.header.model);
  add_report_tables(page, summary);
  add_latency_cdfs(page, figures);
  add_time_series(page, series);
  add_slo_classes(page, summary, sim);
  return page.render();
}

}  // namespace blis::report::html
