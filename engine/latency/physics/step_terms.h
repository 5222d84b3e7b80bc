// The basis terms of the physics latency model (docs/latency-models.md, "physics"): what one
// engine step costs at the GPU's datasheet peak, split into the pieces whose efficiencies differ
// (compute, memory traffic, communication, fixed overheads). The model multiplies each term by a
// coefficient and sums. Everything that does not depend on the batch is computed once, in
// StepConstants, so evaluating a step is a pass of multiply-adds over its members plus one exp().
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "engine/catalog/gpu_spec.h"
#include "engine/latency/latency_model.h"
#include "engine/latency/physics/model_costs.h"
#include "engine/latency/physics/model_shape.h"

namespace blis::latency::physics {

// The terms, in the order of the coefficient file and of StepTerms::values.
enum class Term : int {
  kPrefillCompute = 0,  // µs: FLOPs of the prefill tokens / peak FLOP/s
  kPrefillKv,           // µs: KV bytes the prefill chunks write and read / memory bandwidth
  kDecodeCompute,       // µs: FLOPs of the decode tokens / peak FLOP/s
  kDecodeKv,            // µs: KV bytes of every decode token's whole context / memory bandwidth
  kWeights,             // µs: weight bytes read in the step (touched experts only) / bandwidth
  kTpAllReduce,         // µs: tensor-parallel all-reduce bytes / interconnect bandwidth
  kMoeRouting,          // count: token-to-expert assignments (tokens x top-k x MoE layers)
  kEpAllToAll,          // µs: expert-parallel dispatch + combine bytes / interconnect bandwidth
  kLayers,              // count: transformer layers (one pass per step)
  kRequests,            // count: requests in the batch that compute something
  kStep,                // count: 1 per step
  kCpuOffload,          // µs: weight bytes offloaded to host memory (--cpu-offload-gb) / host link
  kLinkLatency,         // µs: messages the TP/EP collectives send in sequence x the link's latency
};
inline constexpr int kTermCount = 13;

// The terms' names as the coefficient file spells them, indexed by Term.
extern const std::array<const char*, kTermCount> kTermNames;

// How the model is deployed: tensor parallelism `tp`; `dp` data-parallel ranks (one simulated
// instance is one rank); expert parallelism over `ep` GPUs (1 = none; else tp x dp, as vLLM's
// --enable-expert-parallel divides the experts over every GPU of the DP group).
struct Deployment {
  int64_t tp = 1;
  int64_t dp = 1;
  int64_t ep = 1;
  // vLLM's --cpu-offload-gb, in bytes per GPU: weights kept in pinned host memory that the GPU
  // reads over the host link (UVA, zero-copy) in every forward pass instead of from its own memory.
  double cpu_offload_bytes = 0;
};

// Everything of a step's cost that is fixed for a model, GPU and deployment.
struct StepConstants {
  double us_per_linear_flop = 0;     // 1 / (peak of the weight precision), per GPU, µs
  double us_per_bf16_flop = 0;       // 1 / (BF16 peak): attention and the LM head (not quantized)
  double linear_flops_per_token = 0;   // per GPU: layer projections / tp
  double lm_head_flops_per_token = 0;  // per GPU: for sampled tokens only
  double attention_flops_per_pair = 0; // per GPU: 4 x heads x head_dim x layers / tp, per (query, key)
  double us_per_byte = 0;              // 1 / memory bandwidth, µs
  double kv_bytes_per_token = 0;       // per GPU, all layers
  double resident_weight_bytes = 0;    // per GPU: everything but the routed experts, less the offloaded
  double cpu_offload_us = 0;           // offloaded bytes / host-link bandwidth, µs per step
  // Routed experts read: moe_layers x E x expert bytes / shards x (1 - miss^(tokens x dp)).
  double routed_bytes_if_all_touched = 0;
  double log_expert_miss = 0;          // log(1 - k/E), 0 for a dense model
  double all_reduce_us_per_token = 0;  // 2 per layer x 2(tp-1)/tp x hidden x bytes / interconnect
  double moe_assignments_per_token = 0;  // top-k x MoE layers
  double all_to_all_us_per_token = 0;  // 2 per MoE layer x (dp-1) x hidden x bytes / link (EP only)
  // The collectives' fixed cost per step: 2 all-reduces per layer of 2(tp-1) ring messages each,
  // 2 EP exchanges per MoE layer of (dp-1) messages each, every message one link latency.
  double link_latency_us = 0;
  double layers = 0;
  double dp = 1;                       // ranks whose tokens share the experts each step
  int64_t tp = 1;                      // the host's queueing_us_tp applies when > 1
};

// Throws blis::Error when the deployment is invalid (tp, dp < 1; ep neither 1 nor tp x dp; ep on a
// dense model; cpu_offload_bytes negative or more than the weights on one GPU) or the GPU lacks a
// figure the terms divide by.
StepConstants make_step_constants(const ModelShape& shape, const catalog::GpuSpec& gpu, const Deployment& deployment);

struct StepTerms {
  std::array<double, kTermCount> values{};
  double operator[](Term t) const { return values[static_cast<int>(t)]; }
};

// The terms of one step. A member is prefill while progress < input_len (its new tokens attend to
// `progress` earlier tokens), decode when progress >= input_len and output_len > 0 (one token
// attending to `progress` tokens), else it computes nothing (engine-core §4.1).
StepTerms step_terms(const StepConstants& k, std::span<const StepMember> batch);

}  // namespace blis::latency::physics
