// A scenario as the user wrote it: every field optional, "absent" meaning "not given". Both
// front ends produce this — `blis scenario.lua` from the returned table and `blis run` from
// flags (through the same Lua table) — and config::resolve() turns it into a RunConfig,
// applying the reference's defaults and resolution rules (engine-core §8). Whether a field was
// given matters: e.g. an explicit kv_blocks beats the defaults.yaml value (§8.2).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/cluster/policy_hooks.h"
#include "engine/workload/request_source.h"
#include "engine/workload/workload_spec.h"

namespace blis::config {

// One entry of the weighted policy's scorer list, in configuration order.
struct ScorerSpec {
  std::string name;       // a built-in scorer name, or the display name of an external scorer
  double weight = 0;
  int external = -1;      // >= 0: index into ScenarioSpec::external_scorers
};

// A token-length distribution: Gaussian with mean/stdev, clamped to [min, max] (§9.3).
struct LengthSpec {
  std::optional<int64_t> mean, stdev, min, max;
};

struct WorkloadSpec {
  // "distribution" (default), "preset" (name = chatbot|summarization|contentgen|multidoc),
  // "csv_trace" (path), "spec" (a WorkloadSpec: `path` to YAML, or `inline_spec`), "generator",
  // "trace_v2" (header `path`, `data_path`), "inference_perf" (an inference-perf config file at
  // `path`; `requests` caps it).
  std::string kind = "distribution";
  std::optional<double> rate;          // requests per second
  std::optional<int64_t> requests;     // number of requests
  std::optional<int64_t> prefix_tokens;
  LengthSpec prompt_tokens, output_tokens;
  std::string preset;
  std::string path;
  std::shared_ptr<const workload::WorkloadSpecFile> inline_spec;  // a scenario's inline spec table
  std::shared_ptr<workload::ExternalWorkload> generator;          // kind "generator": a Lua function
  std::string data_path;  // kind "trace_v2": the data CSV (default: beside the header `path`)
};

struct ScenarioSpec {
  std::string origin;  // where it came from, for messages: "scenarios/x.lua" or "blis run"
  // "file:line" where each key was set ("engine.kv_blocks", "workload.rate"; "" = the
  // blis.scenario call), filled by the Lua loader: a value found invalid only when the scenario
  // is resolved is blamed on its line (engine/config/scenario_where.h).
  std::map<std::string, std::string> key_sites;
  bool from_flags() const { return origin == "blis run"; }
  // The site of `key`, else of the nearest enclosing key, else of the call, else the origin.
  std::string site_of(std::string_view key) const;

  std::optional<int64_t> seed;
  std::optional<int64_t> horizon_us;
  std::optional<std::string> log_level;
  std::optional<std::string> defaults_file;
  std::optional<std::string> results_path;
  std::optional<std::string> format;  // "human" | "json" | "reference" (engine/report/report_format.h)
  std::optional<std::string> fitness_weights;

  // model = { name, gpu, tp, vllm_version, alpha, beta, config_folder, hardware_config }
  std::optional<std::string> model;
  std::optional<std::string> gpu;
  std::optional<int64_t> tp;
  std::optional<std::string> vllm_version;
  std::optional<std::vector<double>> alpha;
  std::optional<std::vector<double>> beta;
  std::optional<std::string> model_config_folder;
  std::optional<std::string> hardware_config;

  std::optional<int64_t> instances;

  // engine = { ... } (per instance)
  std::optional<int64_t> kv_blocks;
  std::optional<int64_t> block_size_tokens;
  std::optional<int64_t> max_running;
  std::optional<int64_t> max_batched_tokens;
  std::optional<int64_t> long_prefill_threshold;
  std::optional<int64_t> max_model_len;  // unused in reference mode; enforced when given (corrected)
  std::optional<std::string> scheduler;
  std::optional<std::string> priority_policy;
  std::optional<int64_t> kv_cpu_blocks;
  std::optional<double> kv_offload_threshold;
  std::optional<double> kv_transfer_bandwidth;
  std::optional<int64_t> kv_transfer_base_latency_us;
  // blis (engine/config/resolve_kv.h): vLLM's --gpu-memory-utilization, the share of the GPU's
  // memory a derived KV block count is sized from (physics/profiled without kv_blocks), and
  // --cpu-offload-gb, GiB of weights per GPU kept in host memory (physics).
  std::optional<double> gpu_memory_utilization;
  std::optional<double> cpu_offload_gb;

  WorkloadSpec workload;

  // admission = { policy, latency_us, capacity, refill_per_s }
  std::optional<std::string> admission_policy;
  std::optional<int64_t> admission_latency_us;
  std::optional<double> token_bucket_capacity;
  std::optional<double> token_bucket_refill_per_s;

  // routing = { policy, scorers, latency_us, snapshot_refresh_us }
  std::optional<std::string> routing_policy;
  std::optional<std::string> routing_scorers;           // the --routing-scorers string form
  std::optional<std::vector<ScorerSpec>> scorer_list;  // the list form (may hold external scorers)
  std::shared_ptr<cluster::ExternalScorers> external_scorers;   // Lua scorers, one call per decision
  std::shared_ptr<cluster::ExternalAdmission> external_admission;  // replaces admission_policy
  std::optional<int64_t> routing_latency_us;
  std::optional<int64_t> snapshot_refresh_us;

  std::optional<std::string> policy_config;

  // trace = { level, counterfactual_k, summarize, file }
  std::optional<std::string> trace_level;
  std::optional<int64_t> counterfactual_k;
  std::optional<bool> summarize_trace;
  std::optional<std::string> trace_file;

  // export = { workload = "run.yaml", workload_data = "run.csv" }: the run's workload as trace v2
  std::optional<std::string> export_workload;
  std::optional<std::string> export_workload_data;
  // export = { requests_csv = "r.csv", timeseries = "t.csv", timeseries_interval_us = 1000000 }:
  // one row per request, and per-interval samples of every instance and the cluster (engine/output)
  std::optional<std::string> export_requests_csv;
  std::optional<std::string> export_timeseries;
  std::optional<int64_t> export_timeseries_interval_us;
  // export = { html = "report.html" }: the run's HTML report (engine/report/html)
  std::optional<std::string> export_html;

  // compat = "reference" | "corrected" | { mode = ..., <correction> = bool }: which reference
  // defects are reproduced (engine/core/corrections.h). Absent: corrected.
  std::optional<std::string> compat_mode;
  std::vector<std::pair<std::string, bool>> compat_overrides;  // in the table's key order

  // latency = { model, ... } (blis), chosen only when asked for. "physics": gpu, tp, dp, ep,
  // coefficients, config (gpu, tp and config default to model.gpu, model.tp and
  // model.config_folder). "profiled": profile, a layer-wise kernel profile directory
  // (engine/config/resolve_profiled.h).
  std::optional<std::string> latency_model;
  std::optional<std::string> latency_profile;
  std::optional<std::string> latency_gpu;
  std::optional<int64_t> latency_tp;
  std::optional<int64_t> latency_dp;
  std::optional<int64_t> latency_ep;
  std::optional<std::string> latency_coefficients;
  std::optional<std::string> latency_config;

  // Not a scenario key: set by a front end that wants the run as data (a report hook).
  bool collect_results = false;
};

}  // namespace blis::config
