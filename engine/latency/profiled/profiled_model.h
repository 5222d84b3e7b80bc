// The `profiled` latency model: a step's time composed from measured per-layer kernel times
// (LLMServingSim's profile format, engine/latency/profiled/layer_profile.h), the way LLMServingSim
// builds an iteration (llmservingsim/serving/core/trace_generator.py: _synthesize_trace,
// _build_batch_ctx, _emit_layer; llmservingsim/profiler/models/llama.yaml: `sequence`):
//
//   step = embedding(T) + L * block + final_layernorm(T) + sum over per-sequence layers(S)
//   block = sum of the other dense layers(T) (layernorm twice: before attention and after it)
//           + attention(prefill_chunk, kv_prefill, n_decode, decode KV mean/max/min)
//           + 2 * all_reduce(T * hidden * 2 bytes) when TP > 1 (after o_proj and down_proj)
//   MoE block (qwen3_moe.yaml: the MLP is one `moe` layer): the dense layers, attention, one
//           all-reduce (after o_proj) + moe(local tokens, activated experts) on this EP rank
//           + the EP dispatch all-gather and combine reduce-scatter (EP > 1)
//
// MoE routing is LLMServingSim's BALANCED gate (gate_function.py, _balanced_route_ep): of T
// tokens with top-k experts over EP ranks, a rank receives T * (1 - ((EP-1)/EP)^k) tokens and
// activates min(T*k/EP, E/EP) of its experts (both rounded). The collectives are ASTRA-Sim's
// ring: an all-gather of (EP-1) messages of T/EP tokens * (hidden + E) * 2 bytes, a
// reduce-scatter of (EP-1) messages of T * hidden * 2 / EP bytes. Each DP rank is its own
// instance; LLMServingSim pads DP ranks to the longest one (lockstep), blis does not.
//
// attention is the grid at the mean decode KV, raised toward the grid at the longest decode KV
// by the profile's measured skew alpha (skew_fit.h). The profiles are measured per rank on one
// GPU (LLMServingSim's profiler shrinks the model by TP and leaves the collectives to ASTRA-Sim),
// so the TP all-reduce is added the way LLMServingSim's ASTRA-Sim prices it: a ring of
// 2 * (TP - 1) messages of bytes / TP, each paying the link latency and bytes / link bandwidth
// (all_reduce.h).
//
// T = tokens computed this step (prefill chunk tokens + one per decode), S = sequences in the
// batch (lm_head and the sampler run once per sequence), L = the model's transformer blocks (the
// profile measured one). Per-request host times come from the alpha coefficients, as for the
// other models.
#pragma once

#include <memory>
#include <vector>

#include "engine/latency/latency_model.h"
#include "engine/latency/profiled/all_reduce.h"
#include "engine/latency/profiled/layer_profile.h"

namespace blis::latency::profiled {
// An MoE model's routing on one EP rank (num_experts 0: a dense model).
struct MoeRouting {
  int64_t num_experts = 0;
  int64_t top_k = 0;
  int64_t ep = 1;
  int64_t moe_layers = 0;     // blocks whose MLP is the MoE layer
  RingAllReduce link;         // the EP group's link (ranks = EP)
};
}  // namespace blis::latency::profiled

namespace blis::latency {

class ProfiledModel final : public LatencyModel {
 public:
  // Throws blis::Error when num_layers <= 0 (and, via the base, on bad alpha).
  // `all_reduce` prices the TP collectives (ranks <= 1: none); hidden_dim sizes them.
  ProfiledModel(std::vector<double> alpha, std::shared_ptr<const profiled::LayerProfile> profile, int64_t num_layers,
                profiled::RingAllReduce all_reduce = {}, int64_t hidden_dim = 0, profiled::MoeRouting moe = {});
  Tick step_time(std::span<const StepMember> batch) const override;

  // The same composition in microseconds, before rounding to ticks (for tests and tools).
  double step_time_us(std::span<const StepMember> batch) const;

 private:
  // One layer's attention with the skew correction (the decode KV mean, longest and shortest).
  double attention_us(double prefill_chunk, double kv_prefill, double n_decode, double kv_mean, double kv_max,
                      double kv_min) const;
  struct Term {
    const profiled::PiecewiseLinear* curve;
    double count;  // how many times the layer runs per step
  };
  std::shared_ptr<const profiled::LayerProfile> profile_;
  std::vector<Term> token_terms_;     // dense layers, over T
  std::vector<Term> sequence_terms_;  // per-sequence layers, over S
  double num_layers_;
  profiled::RingAllReduce all_reduce_;
  double all_reduce_bytes_per_token_;  // hidden * 2 bytes (bf16 activations)
  profiled::MoeRouting moe_;
  // One MoE block's experts and EP collectives at T tokens.
  double moe_block_us(double tokens) const;
};

}  // namespace blis::latency
