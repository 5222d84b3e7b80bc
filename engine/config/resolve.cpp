#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <optional>

#include "engine/core/error.h"
#include "engine/config/defaults_registry.h"
#include "engine/cluster/scorer_config.h"
#include "engine/config/policy_bundle.h"
#include "engine/config/resolve_kv.h"
#include "engine/config/resolve_latency.h"
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

bool all_zero(const std::vector<double>& v) {
  return std::all_of(v.begin(), v.end(), [](double x) { return x == 0.0; });
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

template <class T>
T value_or(const std::optional<T>& v, T fallback) {
  return v ? *v : fallback;
}

// compat: the mode (default corrected), then each named switch on top of it.
void resolve_compat(const ScenarioSpec& spec, RunConfig& c) {
  const std::string mode = value_or(spec.compat_mode, std::string("corrected"));
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

struct ModelResolution {
  std::vector<double> alpha, beta;
  bool roofline = false;
  std::string gpu;
  int64_t tp = 0;
  std::optional<int64_t> kv_blocks_from_defaults;
};

// §8.2: coefficients from flags, else from defaults.yaml, else roofline from the two files.
ModelResolution resolve_model(const ScenarioSpec& spec, const std::string& defaults_file,
                              const core::Corrections& corrections, const DiagnosticSink& log) {
  ModelResolution m;
  m.alpha = value_or(spec.alpha, std::vector<double>{0, 0, 0});
  m.beta = value_or(spec.beta, std::vector<double>{0, 0, 0});
  m.gpu = value_or(spec.gpu, std::string());
  m.tp = value_or(spec.tp, int64_t{0});
  std::string vllm_version = value_or(spec.vllm_version, std::string());
  const std::string folder = value_or(spec.model_config_folder, std::string());
  const std::string hardware_file = value_or(spec.hardware_config, std::string());
  const std::string& model = *spec.model;
  if (profiled_selected(spec)) return m;  // its step times come from the profile, not from alpha/beta/defaults

  if (all_zero(m.alpha) && all_zero(m.beta) && folder.empty() && hardware_file.empty()) {
    const DefaultsRegistry registry = DefaultsRegistry::load(defaults_file);
    const std::string id = lower(model);
    if (const DefaultDeployment* d = registry.deployment(id)) {
      if (m.tp == 0 && d->tensor_parallelism > 0) {
        m.tp = d->tensor_parallelism;
        log(LogLevel::Warning, fmt::format("using default tp={} for model={}", m.tp, model));
      }
      if (m.gpu.empty()) {
        m.gpu = d->gpu;
        log(LogLevel::Warning, fmt::format("using default GPU={} for model={}", m.gpu, model));
      }
      if (vllm_version.empty()) {
        vllm_version = d->vllm_version;
        log(LogLevel::Warning, fmt::format("using default vLLM version={} for model={}", vllm_version, model));
      }
    }
    const CoefficientRow* row = registry.coefficients(id, m.tp, m.gpu, vllm_version);
    if (row != nullptr) {
      m.alpha = row->alpha;
      m.beta = row->beta;
    } else {
      log(LogLevel::Warning, fmt::format("no trained coefficients in {} for model={} GPU={} TP={} vLLM={}",
                                         defaults_file, id, m.gpu, m.tp, vllm_version));
    }
    m.kv_blocks_from_defaults = row != nullptr ? row->total_kv_blocks : 0;
  }

  if (all_zero(m.alpha) && all_zero(m.beta)) {
    if (!folder.empty() && !hardware_file.empty() && !m.gpu.empty() && m.tp > 0) {
      m.roofline = true;
    } else if (folder.empty()) {
      reject(spec, "model",
             fmt::format("no latency coefficients for model {}: give alpha/beta coefficients, or "
                         "please provide model config folder (--model-config-folder) and hardware "
                         "config (--hardware-config) for the roofline model",
                         model),
             fmt::format("gives no latency coefficients for model {}: set model.alpha and model.beta, or "
                         "model.config_folder and model.hardware_config for the roofline model", model));
    } else if (hardware_file.empty()) {
      reject(spec, "model.hardware_config",
             fmt::format("please provide a hardware config file (--hardware-config) for the roofline model of {}",
                         model),
             fmt::format("is missing: the roofline model of {} needs it (model.config_folder is set)", model));
    }
    // NOTE (§8.2 step 3): both files given but no GPU or tp <= 0 silently keeps blackbox mode
    // with all-zero coefficients: every step takes 0 ticks. Corrected (roofline_needs_gpu_tp):
    // an error naming what is missing.
    else if (corrections.roofline_needs_gpu_tp) {
      throw Error(fmt::format("the roofline model of {} needs a GPU (--hardware, model.gpu) and a tensor "
                              "parallelism > 0 (--tp, model.tp); got GPU \"{}\" and TP {}",
                              model, m.gpu, m.tp));
    }
  }
  return m;
}

// The weighted policy's scorers (§B.4, §B.7, §C.3): the scenario's list or --routing-scorers
// string, else the bundle's list, else the default profile. Only a weighted policy uses them.
// NOTE (§B.7, NOTE 25): for any other policy the reference does not even parse a given string,
// so a malformed one only gets the "no effect" warning. `check_unused` (the scorers_need_weighted
// correction) checks a given string or list exactly as for weighted routing first.
void resolve_scorers(const ScenarioSpec& spec, const std::string& routing,
                     const std::vector<cluster::ScorerWeight>& bundle_scorers, cluster::RouterConfig& out,
                     const DiagnosticSink& log, bool check_unused) {
  const bool string_given = spec.routing_scorers && !spec.routing_scorers->empty();
  const bool weighted = routing == "weighted";
  const auto warn_unused = [&] {
    log(LogLevel::Warning, fmt::format("--routing-scorers has no effect when routing policy is \"{}\" "
                                       "(only applies to 'weighted')", routing));
  };
  if (!weighted && !(check_unused && (string_given || spec.scorer_list))) {
    if (string_given || spec.scorer_list) warn_unused();
    return;
  }
  cluster::RouterConfig unused;  // where a checked but unused list goes
  cluster::RouterConfig& target = weighted ? out : unused;
  std::vector<ScorerSpec> chosen;
  if (spec.scorer_list) {
    chosen = *spec.scorer_list;
  } else {
    std::vector<cluster::ScorerWeight> weights;
    if (string_given) {
      try {
        weights = cluster::parse_scorer_config(*spec.routing_scorers);
      } catch (const Error& e) {
        reject(spec, "routing.scorers", std::string("Invalid --routing-scorers: ") + e.what(),
               std::string("is invalid: ") + e.what());
      }
    } else if (!bundle_scorers.empty()) {
      weights = bundle_scorers;
    } else {
      weights = {{"prefix-affinity", 3}, {"queue-depth", 2}, {"kv-utilization", 2}};
    }
    for (const auto& w : weights) chosen.push_back(ScorerSpec{w.name, w.weight, -1});
  }
  // Scorers the scenario did not give came from the policy bundle.
  const char* key = string_given || spec.scorer_list ? "routing.scorers" : "policy_config";
  std::string active;
  for (size_t i = 0; i < chosen.size(); ++i) {
    const ScorerSpec& s = chosen[i];
    if (!std::isfinite(s.weight) || s.weight <= 0) {
      reject(spec, key,
             fmt::format("Invalid --routing-scorers: weight of scorer \"{}\" must be a finite value > 0, got {}",
                         s.name, metrics::go_format_g(s.weight)),
             fmt::format("gives scorer \"{}\" the weight {}; weights must be finite numbers > 0", s.name,
                         metrics::go_format_g(s.weight)));
    }
    cluster::WeightedScorer w{cluster::ScorerKind::External, s.name, s.weight, s.external};
    if (s.external < 0) {
      if (s.name == "queue-depth") w.kind = cluster::ScorerKind::QueueDepth;
      else if (s.name == "kv-utilization") w.kind = cluster::ScorerKind::KvUtilization;
      else if (s.name == "load-balance") w.kind = cluster::ScorerKind::LoadBalance;
      else if (s.name == "prefix-affinity") w.kind = cluster::ScorerKind::PrefixAffinity;
      else {
        reject(spec, key,
               fmt::format("Invalid --routing-scorers: unknown scorer \"{}\"; valid: {}", s.name,
                           cluster::known_scorer_list()),
               fmt::format("names an unknown scorer \"{}\"; valid: {}{}", s.name, cluster::known_scorer_list(),
                           did_you_mean(s.name, {"kv-utilization", "load-balance", "prefix-affinity", "queue-depth"})));
      }
      for (size_t j = 0; j < i; ++j) {
        if (chosen[j].external < 0 && chosen[j].name == s.name) {
          reject(spec, key, fmt::format("Invalid --routing-scorers: duplicate scorer \"{}\"", s.name),
                 fmt::format("names scorer \"{}\" twice", s.name));
        }
      }
    } else if (!spec.external_scorers || static_cast<size_t>(s.external) >= spec.external_scorers->count()) {
      throw Error(fmt::format("scorer \"{}\" refers to a missing external scorer", s.name));
    }
    target.scorers.push_back(w);
    active += fmt::format("{}{}:{:.1f}", i > 0 ? ", " : "", s.name, s.weight);
  }
  if (!weighted) {
    warn_unused();  // valid, and still of no use to this policy
    return;
  }
  out.external = spec.external_scorers;
  log(LogLevel::Info, "Weighted routing scorers: " + active);
}

// The horizon and the control-plane latencies, before anything is built from them.
void check_times(const ScenarioSpec& spec, const core::Corrections& corrections) {
  const Tick horizon = value_or(spec.horizon_us, kInfiniteHorizon);
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
  const int64_t admission = value_or(spec.admission_latency_us, int64_t{0});
  if (admission < 0) {
    reject(spec, "admission.latency_us", fmt::format("--admission-latency must be >= 0, got {}", admission),
           fmt::format("must be >= 0 (microseconds), got {}", admission));
  }
  const int64_t routing = value_or(spec.routing_latency_us, int64_t{0});
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
  const std::string defaults_file = value_or(spec.defaults_file, std::string("defaults.yaml"));

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
  c.seed = value_or(spec.seed, int64_t{42});
  c.horizon = value_or(spec.horizon_us, kInfiniteHorizon);
  check_times(spec, c.corrections);

  resolve_workload(spec, defaults_file, c, log);

  // ---- engine limits (§8.4 item 3)
  const int64_t instances = value_or(spec.instances, int64_t{1});
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
  c.kv_blocks = spec.kv_blocks ? *spec.kv_blocks : value_or(model.kv_blocks_from_defaults, int64_t{1000000});
  // Not given: the defaults file's total_kv_blocks for the model, blamed on engine.kv_blocks all the same.
  const std::string kv_from = spec.kv_blocks ? "" : fmt::format(" (from {}; set engine.kv_blocks)", defaults_file);
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
  c.block_size = value_or(spec.block_size_tokens, int64_t{16});
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
  c.instance.max_running_requests = value_or(spec.max_running, int64_t{256});
  if (c.instance.max_running_requests <= 0) {
    reject(spec, "engine.max_running",
           fmt::format("--max-num-running-reqs must be > 0, got {}", c.instance.max_running_requests),
           fmt::format("must be > 0, got {}", c.instance.max_running_requests));
  }
  c.instance.max_scheduled_tokens = value_or(spec.max_batched_tokens, int64_t{2048});
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
  c.instance.long_prefill_threshold = value_or(spec.long_prefill_threshold, int64_t{0});
  if (c.instance.long_prefill_threshold < 0) {
    reject(spec, "engine.long_prefill_threshold",
           fmt::format("--long-prefill-token-threshold must be >= 0, got {}", c.instance.long_prefill_threshold),
           fmt::format("must be >= 0, got {}", c.instance.long_prefill_threshold));
  }


  // ---- policy bundle (§C): a YAML value applies where the scenario (or an explicit flag) is silent
  std::optional<std::string> admission_name = spec.admission_policy;
  std::optional<std::string> routing_name = spec.routing_policy;
  std::optional<std::string> priority_name = spec.priority_policy;
  std::optional<std::string> scheduler_name = spec.scheduler;
  std::optional<double> capacity = spec.token_bucket_capacity;
  std::optional<double> refill = spec.token_bucket_refill_per_s;
  std::vector<cluster::ScorerWeight> bundle_scorers;
  if (spec.policy_config && !spec.policy_config->empty()) {
    PolicyBundle bundle;
    try {
      bundle = load_policy_bundle(*spec.policy_config);
    } catch (const Error& e) {
      reject(spec, "policy_config", std::string("Failed to load policy config: ") + e.what(),
             std::string("names a policy bundle that cannot be loaded: ") + e.what());
    }
    try {
      validate_policy_bundle(bundle);
    } catch (const Error& e) {
      reject(spec, "policy_config", std::string("Invalid policy config: ") + e.what(),
             std::string("names an invalid policy bundle: ") + e.what());
    }
    if (bundle.admission_policy && !admission_name) admission_name = bundle.admission_policy;
    if (bundle.token_bucket_capacity && !capacity) capacity = bundle.token_bucket_capacity;
    if (bundle.token_bucket_refill_rate && !refill) refill = bundle.token_bucket_refill_rate;
    if (bundle.routing_policy && !routing_name) routing_name = bundle.routing_policy;
    if (bundle.priority_policy && !priority_name) priority_name = bundle.priority_policy;
    if (bundle.scheduler && !scheduler_name) scheduler_name = bundle.scheduler;
    bundle_scorers = bundle.scorers;
  }

  // ---- policies (§8.4 item 5)
  const std::string admission = spec.external_admission ? "" : value_or(admission_name, std::string("always-admit"));
  c.admission.capacity = value_or(capacity, 10000.0);
  c.admission.refill_per_s = value_or(refill, 1000.0);
  if (admission == "token-bucket") {
    // A value the scenario left to the policy bundle is blamed on policy_config.
    if (!std::isfinite(c.admission.capacity) || c.admission.capacity <= 0) {
      reject(spec, spec.token_bucket_capacity ? "admission.capacity" : "policy_config",
             fmt::format("--token-bucket-capacity must be a finite value > 0, got {}",
                         metrics::go_format_g(c.admission.capacity)),
             fmt::format("{}must be a finite number > 0, got {}",
                         spec.token_bucket_capacity ? "" : "(its token bucket capacity) ",
                         metrics::go_format_g(c.admission.capacity)));
    }
    if (!std::isfinite(c.admission.refill_per_s) || c.admission.refill_per_s <= 0) {
      reject(spec, spec.token_bucket_refill_per_s ? "admission.refill_per_s" : "policy_config",
             fmt::format("--token-bucket-refill-rate must be a finite value > 0, got {}",
                         metrics::go_format_g(c.admission.refill_per_s)),
             fmt::format("{}must be a finite number > 0, got {}",
                         spec.token_bucket_refill_per_s ? "" : "(its token bucket refill rate) ",
                         metrics::go_format_g(c.admission.refill_per_s)));
    }
  }
  if (spec.external_admission) {
    c.admission.kind = cluster::AdmissionKind::External;
    c.admission.external = spec.external_admission;
  } else if (admission.empty() || admission == "always-admit") {
    c.admission.kind = cluster::AdmissionKind::AlwaysAdmit;
  } else if (admission == "reject-all") {
    c.admission.kind = cluster::AdmissionKind::RejectAll;
  } else if (admission == "token-bucket") {
    c.admission.kind = cluster::AdmissionKind::TokenBucket;
  } else {
    reject(spec, admission_name == spec.admission_policy ? "admission.policy" : "policy_config",
           fmt::format("Unknown admission policy \"{}\". Valid: always-admit, reject-all, token-bucket", admission),
           fmt::format("names an unknown admission policy \"{}\"; valid: always-admit, reject-all, token-bucket, or a "
                       "function{}", admission,
                       did_you_mean(admission, {"always-admit", "reject-all", "token-bucket"})));
  }
  const std::string routing = value_or(routing_name, std::string("round-robin"));
  static const char* const kRouting[] = {"", "round-robin", "least-loaded", "weighted", "prefix-affinity", "always-busiest"};
  if (std::find(std::begin(kRouting), std::end(kRouting), routing) == std::end(kRouting)) {
    reject(spec, routing_name == spec.routing_policy ? "routing.policy" : "policy_config",
           fmt::format("Unknown routing policy \"{}\". Valid: always-busiest, least-loaded, prefix-affinity, "
                       "round-robin, weighted", routing),
           fmt::format("names an unknown routing policy \"{}\"; valid: always-busiest, least-loaded, prefix-affinity, "
                       "round-robin, weighted{}", routing,
                       did_you_mean(routing, {"always-busiest", "least-loaded", "prefix-affinity", "round-robin",
                                              "weighted"})));
  }
  c.routing.policy = cluster::Router::parse_policy(routing);
  c.routing.block_size = c.block_size;
  c.priority_policy_name = value_or(priority_name, std::string("constant"));
  try {
    c.instance.priority = batch::parse_priority_policy(c.priority_policy_name);
  } catch (const Error& e) {
    reject(spec, priority_name == spec.priority_policy ? "engine.priority" : "policy_config", e.what(),
           fmt::format("names an unknown priority policy \"{}\"; valid: constant, inverted-slo, slo-based{}",
                       c.priority_policy_name,
                       did_you_mean(c.priority_policy_name, {"constant", "inverted-slo", "slo-based"})));
  }
  const std::string scheduler = value_or(scheduler_name, std::string("fcfs"));
  try {
    c.instance.scheduler = batch::parse_scheduler(scheduler);
  } catch (const Error& e) {
    reject(spec, scheduler_name == spec.scheduler ? "engine.scheduler" : "policy_config", e.what(),
           fmt::format("names an unknown scheduler \"{}\"; valid: fcfs, priority-fcfs, reverse-priority, sjf{}",
                       scheduler, did_you_mean(scheduler, {"fcfs", "priority-fcfs", "reverse-priority", "sjf"})));
  }
  const std::string trace_level = value_or(spec.trace_level, std::string("none"));
  if (trace_level == "none" || trace_level.empty()) c.trace_level = TraceLevel::None;
  else if (trace_level == "decisions") c.trace_level = TraceLevel::Decisions;
  else {
    reject(spec, "trace.level", fmt::format("Unknown trace level \"{}\". Valid: none, decisions", trace_level),
           fmt::format("must be \"none\" or \"decisions\", got \"{}\"{}", trace_level,
                       did_you_mean(trace_level, {"none", "decisions"})));
  }
  c.counterfactual_k = value_or(spec.counterfactual_k, int64_t{0});
  if (c.counterfactual_k < 0) {
    reject(spec, "trace.counterfactual_k", fmt::format("--counterfactual-k must be >= 0, got {}", c.counterfactual_k),
           fmt::format("must be >= 0, got {}", c.counterfactual_k));
  }
  c.summarize_trace = value_or(spec.summarize_trace, false);
  if (trace_level == "none") {
    if (c.counterfactual_k > 0) log(LogLevel::Warning, "counterfactual-k has no effect without --trace-level decisions");
    if (c.summarize_trace) log(LogLevel::Warning, "summarize-trace has no effect without --trace-level decisions");
  }

  // ---- KV tiers (§8.4 item 6)
  c.tiered.cpu_blocks = value_or(spec.kv_cpu_blocks, int64_t{0});
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
  c.tiered.offload_threshold = value_or(spec.kv_offload_threshold, 0.9);
  if (!std::isfinite(c.tiered.offload_threshold) || c.tiered.offload_threshold < 0 || c.tiered.offload_threshold > 1) {
    reject(spec, "engine.kv_offload_threshold",
           fmt::format("--kv-offload-threshold must be a finite value in [0, 1], got {}",
                       metrics::go_format_g(c.tiered.offload_threshold)),
           fmt::format("must be a finite number in [0, 1], got {}", metrics::go_format_g(c.tiered.offload_threshold)));
  }
  c.tiered.transfer_bandwidth = value_or(spec.kv_transfer_bandwidth, 100.0);
  if (c.tiered.cpu_blocks > 0 && (!std::isfinite(c.tiered.transfer_bandwidth) || c.tiered.transfer_bandwidth <= 0)) {
    reject(spec, "engine.kv_transfer_bandwidth",
           fmt::format("--kv-transfer-bandwidth must be a finite value > 0, got {}",
                       metrics::go_format_g(c.tiered.transfer_bandwidth)),
           fmt::format("must be a finite number > 0 (blocks per microsecond), got {}",
                       metrics::go_format_g(c.tiered.transfer_bandwidth)));
  }
  c.tiered.transfer_base_latency = value_or(spec.kv_transfer_base_latency_us, int64_t{0});
  if (c.tiered.transfer_base_latency < 0) {
    reject(spec, "engine.kv_transfer_base_latency_us",
           fmt::format("--kv-transfer-base-latency must be >= 0, got {}", c.tiered.transfer_base_latency),
           fmt::format("must be >= 0, got {}", c.tiered.transfer_base_latency));
  }
  c.snapshot_refresh_interval = value_or(spec.snapshot_refresh_us, int64_t{0});
  if (c.snapshot_refresh_interval < 0) {
    reject(spec, "routing.snapshot_refresh_us",
           fmt::format("--snapshot-refresh-interval must be >= 0, got {}", c.snapshot_refresh_interval),
           fmt::format("must be >= 0, got {}", c.snapshot_refresh_interval));
  }
  resolve_scorers(spec, routing, bundle_scorers, c.routing, log, c.corrections.scorers_need_weighted);
  c.num_instances = static_cast<int>(instances);
  c.admission_latency = value_or(spec.admission_latency_us, int64_t{0});
  c.routing_latency = value_or(spec.routing_latency_us, int64_t{0});
  c.results_path = value_or(spec.results_path, std::string());
  c.collect_results = spec.collect_results;
  c.workload_export = value_or(spec.export_workload, std::string());
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
  c.trace_file = value_or(spec.trace_file, std::string());
  if (!c.trace_file.empty() && c.trace_level != TraceLevel::Decisions) {
    reject(spec, "trace.file",
           fmt::format("trace.file \"{}\" needs trace.level = \"decisions\" (nothing is recorded otherwise)",
                       c.trace_file),
           fmt::format("is \"{}\", which needs trace.level = \"decisions\" (nothing is recorded otherwise)",
                       c.trace_file));
  }
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
  if (physics) {
    c.latency = physics->model;
  } else if (profiled_selected(spec)) {
    c.latency = build_profiled_model(spec, model.alpha);
  } else if (model.roofline) {
    const auto arch = latency::load_model_architecture(*spec.model_config_folder);
    const auto hw = latency::load_hardware_spec(*spec.hardware_config, model.gpu);
    c.latency = std::make_shared<latency::RooflineModel>(model.alpha, arch, hw, model.tp);
  } else {
    c.latency = std::make_shared<latency::BlackboxModel>(model.alpha, model.beta);
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
