// Field-by-field comparison of config::ScenarioSpec for the bindings tests: the names of the
// fields that differ (origin excluded: it only says where a spec came from). Doubles compare by
// value, with NaN equal to NaN and -0 different from +0, since both reach the engine unchanged.
#pragma once

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "engine/config/scenario_spec.h"

namespace blis::bindings::testing {

inline bool same_double(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return a == b && std::signbit(a) == std::signbit(b);
}

template <class T>
bool same(const std::optional<T>& a, const std::optional<T>& b) {
  if (a.has_value() != b.has_value()) return false;
  if (!a) return true;
  if constexpr (std::is_same_v<T, double>) {
    return same_double(*a, *b);
  } else if constexpr (std::is_same_v<T, std::vector<double>>) {
    if (a->size() != b->size()) return false;
    for (std::size_t i = 0; i < a->size(); ++i) {
      if (!same_double((*a)[i], (*b)[i])) return false;
    }
    return true;
  } else {
    return *a == *b;
  }
}

inline std::vector<std::string> spec_differences(const config::ScenarioSpec& a, const config::ScenarioSpec& b) {
  std::vector<std::string> out;
#define BLIS_COMPARE(field) \
  if (!same(a.field, b.field)) out.push_back(#field)
  BLIS_COMPARE(seed);
  BLIS_COMPARE(horizon_us);
  BLIS_COMPARE(log_level);
  BLIS_COMPARE(defaults_file);
  BLIS_COMPARE(results_path);
  BLIS_COMPARE(fitness_weights);
  BLIS_COMPARE(model);
  BLIS_COMPARE(gpu);
  BLIS_COMPARE(tp);
  BLIS_COMPARE(vllm_version);
  BLIS_COMPARE(alpha);
  BLIS_COMPARE(beta);
  BLIS_COMPARE(model_config_folder);
  BLIS_COMPARE(hardware_config);
  BLIS_COMPARE(latency_model);
  BLIS_COMPARE(latency_profile);
  BLIS_COMPARE(latency_gpu);
  BLIS_COMPARE(latency_tp);
  BLIS_COMPARE(latency_dp);
  BLIS_COMPARE(latency_ep);
  BLIS_COMPARE(gpu_memory_utilization);
  BLIS_COMPARE(cpu_offload_gb);
  BLIS_COMPARE(latency_coefficients);
  BLIS_COMPARE(latency_config);
  BLIS_COMPARE(instances);
  BLIS_COMPARE(kv_blocks);
  BLIS_COMPARE(block_size_tokens);
  BLIS_COMPARE(max_running);
  BLIS_COMPARE(max_batched_tokens);
  BLIS_COMPARE(long_prefill_threshold);
  BLIS_COMPARE(max_model_len);
  BLIS_COMPARE(scheduler);
  BLIS_COMPARE(priority_policy);
  BLIS_COMPARE(kv_cpu_blocks);
  BLIS_COMPARE(kv_offload_threshold);
  BLIS_COMPARE(kv_transfer_bandwidth);
  BLIS_COMPARE(kv_transfer_base_latency_us);
  BLIS_COMPARE(workload.rate);
  BLIS_COMPARE(workload.requests);
  BLIS_COMPARE(workload.prefix_tokens);
  BLIS_COMPARE(workload.prompt_tokens.mean);
  BLIS_COMPARE(workload.prompt_tokens.stdev);
  BLIS_COMPARE(workload.prompt_tokens.min);
  BLIS_COMPARE(workload.prompt_tokens.max);
  BLIS_COMPARE(workload.output_tokens.mean);
  BLIS_COMPARE(workload.output_tokens.stdev);
  BLIS_COMPARE(workload.output_tokens.min);
  BLIS_COMPARE(workload.output_tokens.max);
  BLIS_COMPARE(admission_policy);
  BLIS_COMPARE(admission_latency_us);
  BLIS_COMPARE(token_bucket_capacity);
  BLIS_COMPARE(token_bucket_refill_per_s);
  BLIS_COMPARE(routing_policy);
  BLIS_COMPARE(routing_scorers);
  BLIS_COMPARE(routing_latency_us);
  BLIS_COMPARE(snapshot_refresh_us);
  BLIS_COMPARE(policy_config);
  BLIS_COMPARE(trace_level);
  BLIS_COMPARE(counterfactual_k);
  BLIS_COMPARE(summarize_trace);
#undef BLIS_COMPARE
  if (a.workload.kind != b.workload.kind) out.push_back("workload.kind");
  if (a.workload.preset != b.workload.preset) out.push_back("workload.preset");
  if (a.workload.path != b.workload.path) out.push_back("workload.path");
  return out;
}

// "" when equal, else the differing fields, for doctest messages.
inline std::string describe_differences(const config::ScenarioSpec& a, const config::ScenarioSpec& b) {
  std::string text;
  for (const std::string& field : spec_differences(a, b)) text += (text.empty() ? "" : ", ") + field;
  return text;
}

}  // namespace blis::bindings::testing
