// config::resolve(): a ScenarioSpec -> the RunConfig a run is built from (engine-core §8.4). This
// file holds the order of the steps, the engine limits, KV tiers, trace and output settings; the
// latency model (resolve_coefficients.h, resolve_latency.h, resolve_profiled.h), the workload
// (resolve_workload.h), the policies (resolve_policies.h) and the KV block derivation
// (resolve_kv.h) each have their own file.
#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <optional>

#include "engine/core/error.h"
#include "engine/config/defaults_file.h"
#include "engine/config/resolve_coefficients.h"
#include "engine/config/resolve_data_out.h"
#include "engine/config/resolve_kv.h"
#include "engine/config/resolve_latency.h"
#include "engine/config/resolve_policies.h"
#include "engine/config/resolve_workload.h"
#include "engine/config/run_config.h"
#include "engine/config/scenario_where.h"
#include "engine/core/input_limits.h"
#include "engine/latency/blackbox_model.h"
#include "engine/latency/roofline_model.h"
#include "engine/config/resolve_profiled.h"
#include "engine/metrics/fitness.h"
#include "engine/metrics/go_json.h"
#include "engine/workload/trace_replay.h"

namespace blis::config {

namespace {

// compat: the mode (default corrected), then each named switch on top of it.
void resolve_compat(const ScenarioSpec& spec, RunConfig& c) {
  const std::string mode = spec.compat_mode.value_or(std::string("corrected"));
  if (mode == "reference") c.compat_mode = core::CompatMode::Reference;
  else if (mode == "corrected") c.compat_mode = core::CompatMode::Corrected;
  else throw Error(fmt::format("{}: scenario key 'compat' must be \"reference\" or \"corrected\", got \"{}\"",
                               spec.site_of("compat"), mode));
  c.corrections = core::Corrections::for_mode(c.compat_mode);
  for (const auto& [name, on] : spec.compat_overrides) {
    bool* flag = c.corrections.find(name);
    if (flag == nullptr) throw Error(fmt::format("{}: unknown correction 'compat.{}'", spec.site_of("compat"), name));
    *flag = on;
  }
}

// format: what the run prints on stdout (engine/report/report_format.h). A scenario that names
// none gets the human report; `blis run` always writes one (reference unless --format).
void resolve_report_format(const ScenarioSpec& spec, RunConfig& c) {
  const std::string name = spec.format.value_or(std::string("human"));
  const std::optional<report::ReportFormat> format = report::parse_report_format(name);
  if (!format) {
    const std::string hint = did_you_mean(name, {"human", "json", "reference"});
    reject(spec, "format",
           fmt::format("invalid argument \"{}\" for \"--format\" flag: must be {}{}", name, report::kReportFormatNames, hint),
           fmt::format("must be one of {}, got \"{}\"{}", report::kReportFormatNames, name, hint));
  }
  c.format = *format;
}

// The horizon and the control-plane latencies, before anything is built from them.
void check_times(const ScenarioSpec& spec, const core::Corrections& corrections) {
  const Tick horizon = spec.horizon_us.value_or(kInfiniteHorizon);
  // The reference runs a negative --horizon as "no requests" (exit 0); kept for blis run, an
  // error in a scenario, where it can only be a mistake (docs/deviations.md).
  if (horizon < 0 && !spec.from_flags()) {
    reject(spec, "horizon_us", "", fmt::format("must be >= 0 (microseconds of simulated time), got {}", horizon));
  }
  // NOTE (§G, NOTE 13): the reference takes negative latencies as given, scheduling events in
  // the past. Corrected (validate_latencies): an error naming the flag or key, and --horizon is
  // checked on the command line as it always is in a scenario.
  if (!corrections.validate_latencies) return;
  if (horizon < 0) {
    reject(spec, "horizon_us", fmt::format("--horizon must be >= 0 (microseconds), got {}", horizon), "");
  }
  const int64_t admission = spec.admission_latency_us.value_or(int64_t{0});
  if (admission < 0) {
    reject(spec, "admission.latency_us", fmt::format("--admission-latency must be >= 0, got {}", admission),
           fmt::format("must be >= 0 (microseconds), got {}", admission));
  }
  const int64_t routing = spec.routing_latency_us.value_or(int64_t{0});
  if (routing < 0) {
    reject(spec, "routing.latency_us", fmt::format("--routing-latency must be >= 0, got {}", routing),
           fmt::format("must be >= 0 (microseconds), got {}", routing));
  }
}

}  // namespace

RunConfig resolve(const ScenarioSpec& spec, const DiagnosticSink& log) {
  RunConfig c;
  resolve_compat(spec, c);
  if (!spec.model || spec.model->empty()) {
    reject(spec, "model.name", "LLM name not provided. Exiting simulation.",
           "is required: the model's name, e.g. \"meta-llama/llama-3.1-8b-instruct\"");
  }
  const DefaultsFile defaults_file = find_defaults_file(spec.defaults_file);

  // The physics model (blis) replaces the reference's coefficient / roofline resolution entirely.
  std::optional<PhysicsResolution> physics;
  ModelResolution model;
  if (wants_physics_model(spec)) {
    physics = resolve_physics_model(spec, log);
    log_cpu_offload(physics->kv_source, log);
    model.tp = physics->tp;
    model.gpu = physics->gpu;
  } else {
    model = resolve_model(spec, defaults_file, c.corrections, log);
  }
  c.model_name = *spec.model;
  c.tensor_parallel = model.tp;
  c.seed = spec.seed.value_or(int64_t{42});
  c.horizon = spec.horizon_us.value_or(kInfiniteHorizon);
  check_times(spec, c.corrections);

  resolve_workload(spec, defaults_file, c, log);

  // ---- engine limits (§8.4 item 3)
  const int64_t instances = spec.instances.value_or(int64_t{1});
  if (instances < 1) reject(spec, "instances", "num-instances must be >= 1", fmt::format("must be >= 1, got {}", instances));
  // The reference's int is 64-bit; ours indexes instances with int. Far beyond any memory anyway.
  if (instances > std::numeric_limits<int>::max()) {
    reject(spec, "instances",
           fmt::format("num-instances must be <= {}, got {}", std::numeric_limits<int>::max(), instances),
           fmt::format("must be <= {}, got {}", std::numeric_limits<int>::max(), instances));
  }
  // blis's own latency models derive the count as vLLM does when it is not given (resolve_kv.h),
  // once the engine limits it depends on are known (below); the reference's keep their defaults.
  const bool derive_kv = derives_kv_blocks(spec, physics.has_value(), profiled_selected(spec));
  c.kv_blocks = spec.kv_blocks ? *spec.kv_blocks : model.kv_blocks_from_defaults.value_or(int64_t{1000000});
  // Not given: the defaults file's total_kv_blocks for the model, blamed on engine.kv_blocks all the same.
  const std::string kv_from =
      spec.kv_blocks ? "" : fmt::format(" (from {}; set engine.kv_blocks)", defaults_file.path);
  if (!derive_kv && c.kv_blocks <= 0) {  // a derived count is checked where it is derived
    reject(spec, "engine.kv_blocks", fmt::format("--total-kv-blocks must be > 0, got {}", c.kv_blocks),
           fmt::format("must be > 0, got {}{}", c.kv_blocks, kv_from));
  }
  if (!derive_kv && c.kv_blocks > core::limits::kMaxKvBlocks) {  // both front ends: allocated up front
    reject(spec, "engine.kv_blocks",
           fmt::format("--total-kv-blocks must be at most {} (docs/safety.md), got {}", core::limits::kMaxKvBlocks,
                       c.kv_blocks),
           fmt::format("must be at most {} (docs/safety.md), got {}{}", core::limits::kMaxKvBlocks, c.kv_blocks,
                       kv_from));
  }
  c.block_size = spec.block_size_tokens.value_or(int64_t{16});
  if (c.block_size <= 0) {
    reject(spec, "engine.block_size_tokens", fmt::format("--block-size-in-tokens must be > 0, got {}", c.block_size),
           fmt::format("must be > 0, got {}", c.block_size));
  }
  if (c.block_size > core::limits::kMaxBlockSizeTokens) {  // both front ends
    reject(spec, "engine.block_size_tokens",
           fmt::format("--block-size-in-tokens must be at most {} (docs/safety.md), got {}",
                       core::limits::kMaxBlockSizeTokens, c.block_size),
           fmt::format("must be at most {} (docs/safety.md), got {}", core::limits::kMaxBlockSizeTokens, c.block_size));
  }
  c.instance.max_running_requests = spec.max_running.value_or(int64_t{256});
  if (c.instance.max_running_requests <= 0) {
    reject(spec, "engine.max_running",
           fmt::format("--max-num-running-reqs must be > 0, got {}", c.instance.max_running_requests),
           fmt::format("must be > 0, got {}", c.instance.max_running_requests));
  }
  c.instance.max_scheduled_tokens = spec.max_batched_tokens.value_or(int64_t{2048});
  if (c.instance.max_scheduled_tokens <= 0) {
    reject(spec, "engine.max_batched_tokens",
           fmt::format("--max-num-scheduled-tokens must be > 0, got {}", c.instance.max_scheduled_tokens),
           fmt::format("must be > 0, got {}", c.instance.max_scheduled_tokens));
  }
  // NOTE (§8.1): max_model_len is accepted and unused. Corrected (max_model_len): when given, a
  // request whose prompt + output exceed it is rejected when queued, as vLLM rejects it. Not
  // given, nothing is enforced (the reference's default of 2048 would reject ordinary prompts).
  if (c.corrections.max_model_len && spec.max_model_len) {
    if (*spec.max_model_len <= 0) {
      reject(spec, "engine.max_model_len", fmt::format("--max-model-len must be > 0, got {}", *spec.max_model_len),
             fmt::format("must be > 0, got {}", *spec.max_model_len));
    }
    c.instance.max_model_len = *spec.max_model_len;
  }
  c.instance.long_prefill_threshold = spec.long_prefill_threshold.value_or(int64_t{0});
  if (c.instance.long_prefill_threshold < 0) {
    reject(spec, "engine.long_prefill_threshold",
           fmt::format("--long-prefill-token-threshold must be >= 0, got {}", c.instance.long_prefill_threshold),
           fmt::format("must be >= 0, got {}", c.instance.long_prefill_threshold));
  }


  // ---- policy bundle (§C) and policies (§8.4 item 5)
  const ResolvedPolicies policies = resolve_policies(spec, c);

  // ---- decision trace
  const std::string trace_level = spec.trace_level.value_or(std::string("none"));
  if (trace_level == "none" || trace_level.empty()) c.trace_level = TraceLevel::None;
  else if (trace_level == "decisions") c.trace_level = TraceLevel::Decisions;
  else {
    reject(spec, "trace.level", fmt::format("Unknown trace level \"{}\". Valid: none, decisions", trace_level),
           fmt::format("must be \"none\" or \"decisions\", got \"{}\"{}", trace_level,
                       did_you_mean(trace_level, {"none", "decisions"})));
  }
  c.counterfactual_k = spec.counterfactual_k.value_or(int64_t{0});
  if (c.counterfactual_k < 0) {
    reject(spec, "trace.counterfactual_k", fmt::format("--counterfactual-k must be >= 0, got {}", c.counterfactual_k),
           fmt::format("must be >= 0, got {}", c.counterfactual_k));
  }
  c.summarize_trace = spec.summarize_trace.value_or(false);
  if (trace_level == "none") {
    if (c.counterfactual_k > 0) log(LogLevel::Warning, "counterfactual-k has no effect without --trace-level decisions");
    if (c.summarize_trace) log(LogLevel::Warning, "summarize-trace has no effect without --trace-level decisions");
  }

  // ---- KV tiers (§8.4 item 6)
  c.tiered.cpu_blocks = spec.kv_cpu_blocks.value_or(int64_t{0});
  if (c.tiered.cpu_blocks < 0) {
    reject(spec, "engine.kv_cpu_blocks", fmt::format("--kv-cpu-blocks must be >= 0, got {}", c.tiered.cpu_blocks),
           fmt::format("must be >= 0, got {}", c.tiered.cpu_blocks));
  }
  if (c.tiered.cpu_blocks > core::limits::kMaxKvBlocks) {  // both front ends
    reject(spec, "engine.kv_cpu_blocks",
           fmt::format("--kv-cpu-blocks must be at most {} (docs/safety.md), got {}", core::limits::kMaxKvBlocks,
                       c.tiered.cpu_blocks),
           fmt::format("must be at most {} (docs/safety.md), got {}", core::limits::kMaxKvBlocks, c.tiered.cpu_blocks));
  }
  c.tiered.offload_threshold = spec.kv_offload_threshold.value_or(0.9);
  if (!std::isfinite(c.tiered.offload_threshold) || c.tiered.offload_threshold < 0 || c.tiered.offload_threshold > 1) {
    reject(spec, "engine.kv_offload_threshold",
           fmt::format("--kv-offload-threshold must be a finite value in [0, 1], got {}",
                       metrics::go_format_g(c.tiered.offload_threshold)),
           fmt::format("must be a finite number in [0, 1], got {}", metrics::go_format_g(c.tiered.offload_threshold)));
  }
  c.tiered.transfer_bandwidth = spec.kv_transfer_bandwidth.value_or(100.0);
  if (c.tiered.cpu_blocks > 0 && (!std::isfinite(c.tiered.transfer_bandwidth) || c.tiered.transfer_bandwidth <= 0)) {
    reject(spec, "engine.kv_transfer_bandwidth",
           fmt::format("--kv-transfer-bandwidth must be a finite value > 0, got {}",
                       metrics::go_format_g(c.tiered.transfer_bandwidth)),
           fmt::format("must be a finite number > 0 (blocks per microsecond), got {}",
                       metrics::go_format_g(c.tiered.transfer_bandwidth)));
  }
  c.tiered.transfer_base_latency = spec.kv_transfer_base_latency_us.value_or(int64_t{0});
  if (c.tiered.transfer_base_latency < 0) {
    reject(spec, "engine.kv_transfer_base_latency_us",
           fmt::format("--kv-transfer-base-latency must be >= 0, got {}", c.tiered.transfer_base_latency),
           fmt::format("must be >= 0, got {}", c.tiered.transfer_base_latency));
  }
  c.snapshot_refresh_interval = spec.snapshot_refresh_us.value_or(int64_t{0});
  if (c.snapshot_refresh_interval < 0) {
    reject(spec, "routing.snapshot_refresh_us",
           fmt::format("--snapshot-refresh-interval must be >= 0, got {}", c.snapshot_refresh_interval),
           fmt::format("must be >= 0, got {}", c.snapshot_refresh_interval));
  }
  resolve_scorers(spec, policies.routing, policies.bundle_scorers, c.routing, log, c.corrections.scorers_need_weighted);
  c.num_instances = static_cast<int>(instances);
  c.admission_latency = spec.admission_latency_us.value_or(int64_t{0});
  c.routing_latency = spec.routing_latency_us.value_or(int64_t{0});
  c.results_path = spec.results_path.value_or(std::string());
  resolve_report_format(spec, c);
  c.collect_results = spec.collect_results;
  c.workload_export = spec.export_workload.value_or(std::string());
  if (spec.export_workload_data && !spec.export_workload_data->empty()) {
    if (c.workload_export.empty()) {
      reject(spec, "export.workload_data", "--export-workload-data needs --export-workload (the header file)",
             "needs export.workload (the header file)");
    }
    c.workload_export_data = *spec.export_workload_data;
  } else if (!c.workload_export.empty()) {
    c.workload_export_data = workload::trace_data_path_for(c.workload_export);
  }
  if (!c.workload_export.empty() && c.workload_export == c.workload_export_data) {
    reject(spec, "export.workload_data",
           fmt::format("--export-workload and --export-workload-data are the same file \"{}\"", c.workload_export),
           fmt::format("is the same file as export.workload, \"{}\"", c.workload_export));
  }
  c.trace_file = spec.trace_file.value_or(std::string());
  if (!c.trace_file.empty() && c.trace_level != TraceLevel::Decisions) {
    reject(spec, "trace.file",
           fmt::format("trace.file \"{}\" needs trace.level = \"decisions\" (nothing is recorded otherwise)",
                       c.trace_file),
           fmt::format("is \"{}\", which needs trace.level = \"decisions\" (nothing is recorded otherwise)",
                       c.trace_file));
  }
  resolve_data_out(spec, c);
  if (spec.fitness_weights && !spec.fitness_weights->empty()) {
    // Deliberate deviation (docs/deviations.md): checked now, not after the run (NOTE 9).
    try {
      c.fitness_weights = metrics::parse_fitness_weights(*spec.fitness_weights, c.corrections.fitness_duplicate_keys);
    } catch (const Error& e) {
      reject(spec, "fitness_weights", std::string("Invalid fitness weights: ") + e.what(),
             std::string("is invalid: ") + e.what());
    }
    try {
      metrics::validate_fitness_keys(*c.fitness_weights);
    } catch (const Error& e) {
      reject(spec, "fitness_weights", std::string("Fitness evaluation failed: ") + e.what(),
             std::string("is invalid: ") + e.what());
    }
  }

  // ---- engine construction (§8.4 item 8)
  c.description.gpu = model.gpu;
  c.description.kv_blocks_source = spec.kv_blocks ? "given"
                                   : derive_kv     ? "derived as vLLM sizes its cache"
                                   : model.kv_blocks_from_defaults ? "from " + defaults_file.path
                                                                   : "default";
  if (physics) {
    c.latency = physics->model;
    c.description.latency_model = "physics";
    c.description.dp = physics->dp;
    c.description.ep = physics->ep;
    c.description.coefficients = physics->coefficients_source;
  } else if (profiled_selected(spec)) {
    c.latency = build_profiled_model(spec, model.alpha);
    c.description.latency_model = "profiled";
    c.description.coefficients = "profile " + spec.latency_profile.value_or(std::string());
  } else if (model.roofline) {
    c.description.latency_model = "roofline";
    c.description.coefficients = model.coefficients_source;
    const auto arch = latency::load_model_architecture(*spec.model_config_folder);
    const auto hw = latency::load_hardware_spec(*spec.hardware_config, model.gpu);
    c.latency = std::make_shared<latency::RooflineModel>(model.alpha, arch, hw, model.tp);
  } else {
    c.latency = std::make_shared<latency::BlackboxModel>(model.alpha, model.beta);
    c.description.latency_model = "blackbox";
    c.description.coefficients = model.coefficients_source.empty() ? "none (every step takes 0 µs)"
                                                                   : model.coefficients_source;
  }
  // Last, once the latency model (and its profile) is known to be valid: the engine limits it
  // reads are resolved above.
  if (derive_kv) {
    const KvSizingSource source = physics ? physics->kv_source : profiled_kv_source(spec);
    c.kv_blocks = derive_kv_blocks(
        spec, source, {c.block_size, c.instance.max_running_requests, c.instance.max_scheduled_tokens}, log);
    if (c.kv_blocks > core::limits::kMaxKvBlocks) {
      reject(spec, "engine.kv_blocks",
             fmt::format("the derived KV block count {} is more than blis allocates ({}, docs/safety.md); give "
                         "--total-kv-blocks",
                         c.kv_blocks, core::limits::kMaxKvBlocks),
             fmt::format("is not given and the derived count {} is more than blis allocates ({}, docs/safety.md)",
                         c.kv_blocks, core::limits::kMaxKvBlocks));
    }
  }
  return c;
}

}  // namespace blis::config
