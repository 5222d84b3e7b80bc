#include "engine/simulation.h"

#include "engine/cluster/cluster_simulation.h"
#include "engine/config/run_config.h"
#include "engine/metrics/run_report.h"
#include "engine/cluster/observer_fanout.h"
#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/output/data_out.h"
#include "engine/progress/progress_meter.h"
#include "engine/report/html/run_page.h"
#include "engine/report/html/run_series.h"
#include "engine/report/human_report.h"
#include "engine/report/json_report.h"
#include "engine/report/run_summary.h"

namespace blis {

namespace {

// What the progress line can promise: a request count when the workload states one, the horizon.
progress::ProgressPlan plan_of(const config::RunConfig& config) {
  progress::ProgressPlan plan;
  if (config.workload == config::WorkloadKind::Distribution) plan.total_requests = config.distribution.num_requests;
  if (config.workload == config::WorkloadKind::Spec && config.workload_spec_max_requests > 0) {
    plan.total_requests = config.workload_spec_max_requests;
  }
  if (config.horizon != kInfiniteHorizon) plan.horizon = config.horizon;
  return plan;
}

}  // namespace

SimulationOutput run_scenario(const config::ScenarioSpec& spec, const DiagnosticSink& log, const RunOptions& options) {
  const config::RunConfig config = config::resolve(spec, log);
  cluster::ClusterSimulation sim(config, log);
  // The requests CSV and the time series (engine/output): opened before the run, so a path that
  // cannot be written fails before any simulating, and published after it.
  const std::unique_ptr<output::DataOut> data_out = output::DataOut::open(config, sim);
  // The HTML report (engine/report/html): its file is opened before the run for the same reason;
  // its series are sampled in memory while the run goes on.
  std::optional<core::AtomicFileWriter> html_file;
  std::optional<report::html::RunSeries> html_series;
  if (!config.html.empty()) {
    html_file.emplace(config.html, "HTML report");
    html_series.emplace(sim.instances().size(), output::instance_samples(sim));
  }
  std::optional<progress::ProgressMeter> meter;
  if (options.progress != nullptr) meter.emplace(options.progress, plan_of(config));
  cluster::ObserverFanout observers;
  observers.add(data_out.get());
  if (html_series) observers.add(&*html_series);
  if (meter) observers.add(&*meter);
  sim.set_cluster_observer(observers.collapse());
  sim.run();
  metrics::ReportFigures figures;
  SimulationOutput out = metrics::build_report(sim, config, log, &figures);
  // The reference's blocks are always built (they are cheap, and the results file and report
  // hooks come from the same pass); the human and JSON reports replace them on stdout.
  if (config.format != report::ReportFormat::Reference || html_file || options.want_summary) {
    auto summary = std::make_shared<const report::RunSummary>(report::summarize_run(sim, config, figures));
    if (config.format != report::ReportFormat::Reference) {
      out.stdout_text = config.format == report::ReportFormat::Json ? report::render_json(*summary)
                                                                    : report::render_human(*summary);
    }
    if (html_file) {
      html_file->write(report::html::render_run_page(*summary, figures, sim, *html_series));
      try {
        html_file->commit();
      } catch (const Error& e) {
        out.file_errors.push_back(e.what());
      }
    }
    if (options.want_summary) out.summary = std::move(summary);
  }
  if (data_out) {
    for (std::string& error : data_out->commit()) out.file_errors.push_back(std::move(error));
  }
  return out;
}

}  // namespace blis
