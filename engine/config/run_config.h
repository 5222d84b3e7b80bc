// A fully resolved run: every default applied, every name checked, the latency model built.
// Produced by resolve() from a ScenarioSpec; consumed by the cluster simulation.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "engine/cluster/admission.h"
#include "engine/core/corrections.h"
#include "engine/cluster/router.h"
#include "engine/config/run_description.h"
#include "engine/instance/instance.h"
#include "engine/kv/tiered_cache.h"
#include "engine/latency/latency_model.h"
#include "engine/report/report_format.h"
#include "engine/workload/distribution_source.h"
#include "engine/workload/trace_v2.h"
#include "engine/workload/workload_spec.h"

namespace blis::config {

// InferencePerf: a spec made only of the compact inference_perf block, sent as the harness sends
// it (correction inference_perf_faithful; engine/workload/inference_perf/harness_source.h).
enum class WorkloadKind { Distribution, CsvTrace, Spec, Generator, TraceV2, InferencePerf };
enum class TraceLevel { None, Decisions };

struct RunConfig {
  core::CompatMode compat_mode = core::CompatMode::Corrected;
  core::Corrections corrections = core::Corrections::for_mode(core::CompatMode::Corrected);

  std::string model_name;     // as given; labels exported traces
  int64_t tensor_parallel = 0;
  int64_t seed = 42;
  Tick horizon = kInfiniteHorizon;
  int num_instances = 1;

  instance::InstanceConfig instance;
  std::string priority_policy_name = "constant";  // as given; gates the inversion detector
  int64_t kv_blocks = 0;
  int64_t block_size = 16;
  kv::TieredConfig tiered;  // cpu_blocks == 0: single tier
  std::shared_ptr<const latency::LatencyModel> latency;

  WorkloadKind workload = WorkloadKind::Distribution;
  workload::DistributionParams distribution;  // distribution and presets
  std::string trace_path;                     // csv traces
  // workload specs (cluster-workload-trace §D.3): the loaded, validated spec with clients
  std::shared_ptr<const workload::WorkloadSpecFile> workload_spec;
  std::shared_ptr<workload::ExternalWorkload> generator;  // WorkloadKind::Generator
  int64_t workload_spec_seed = 0;
  int64_t workload_spec_max_requests = 0;  // 0 = no cap
  Tick workload_spec_generation_horizon = kInfiniteHorizon;  // arrivals stop here
  std::shared_ptr<const workload::TraceV2> trace_v2;  // WorkloadKind::TraceV2, loaded and checked
  // Where the run's workload goes as trace v2 ("" = nowhere): header here, data beside it.
  std::string workload_export;
  std::string workload_export_data;
  std::string workload_provenance;  // the header's workload_spec: a spec file, "preset:<name>", ...

  cluster::AdmissionConfig admission;
  cluster::RouterConfig routing;
  Tick admission_latency = 0;
  Tick routing_latency = 0;
  Tick snapshot_refresh_interval = 0;  // 0: every snapshot field live

  TraceLevel trace_level = TraceLevel::None;
  int64_t counterfactual_k = 0;
  bool summarize_trace = false;
  std::string trace_file;  // JSON Lines export of every decision record ("" = none)

  std::string results_path;
  report::ReportFormat format = report::ReportFormat::Human;  // what stdout shows (docs/output.md)
  RunDescription description;                                 // the human and JSON reports' header
  // Data out (engine/output, resolve_data_out.h): "" = not written.
  std::string requests_csv;
  std::string timeseries;
  Tick timeseries_interval = 1'000'000;  // simulated µs between time-series samples
  std::string html;                      // the HTML report (engine/report/html/run_page.h)
  bool collect_results = false;  // build SimulationOutput::results
  // Parsed and checked before the run (a deliberate deviation: the reference checks them after
  // printing its results, NOTE 9), so a bad key never wastes a simulation.
  std::optional<std::map<std::string, double>> fitness_weights;
};

// Applies the reference's resolution and validation order (engine-core §8.2–8.4,
// cluster-workload-trace §G). Throws blis::Error with the reference's message for the first
// problem found. Diagnostics (defaults applied, ignored options) go to `log`.
RunConfig resolve(const ScenarioSpec& spec, const DiagnosticSink& log);

}  // namespace blis::config
