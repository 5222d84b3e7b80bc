// What a ModelShape costs: parameter counts (total and active per token), weight bytes per GPU
// under tensor / expert parallelism, KV-cache bytes per token, matmul FLOPs, and how many
// distinct experts a batch touches. The physics latency model's basis terms are built from these;
// docs/latency-models.md ("Model shapes and KV sizing") gives every formula.
#pragma once

#include <cstdint>

#include "engine/latency/physics/model_shape.h"

namespace blis::latency::physics {

// How one model replica is spread over GPUs, as vLLM does it: tensor parallelism shards every
// layer over `tp` GPUs; with data parallelism and --enable-expert-parallel (DP attention) each of
// the `dp` replicas keeps its own TP-sharded attention while the routed experts are divided over
// all tp x dp GPUs.
struct Parallelism {
  int64_t tp = 1;
  int64_t dp = 1;
  bool expert_parallel = false;
  // How many GPUs share the routed experts of one MoE layer.
  int64_t expert_shards() const { return expert_parallel ? tp * dp : tp; }
};

// Parameter counts of the whole model, in parameters (not bytes).
struct ParameterCounts {
  double attention = 0;       // q, k, v, o projections (and their biases) of every layer
  double dense_mlp = 0;       // gate/up/down of the layers without experts
  double routed_experts = 0;  // every routed expert of every MoE layer
  double shared_experts = 0;  // shared experts (and Qwen2-MoE's shared-expert gate)
  double router = 0;          // the H x E gate of every MoE layer
  double norms = 0;           // RMSNorm weights (2 per layer, q/k norms, the final one)
  double embedding = 0;       // the input embedding, V x H
  double lm_head = 0;         // the output projection, V x H; 0 when tied to the embedding
  double vision = 0;          // a multimodal checkpoint's vision encoder and projector (0 if none or uncounted)
  // What one text token uses: all of the language model but the routed experts it does not pick
  // (the vision tower runs only for images).
  double active = 0;

  double language_model() const {
    return attention + dense_mlp + routed_experts + shared_experts + router + norms + embedding + lm_head;
  }
  double total() const { return language_model() + vision; }
};

ParameterCounts count_parameters(const ModelShape& shape);

// Bytes of weights resident on one GPU.
struct WeightBytes {
  double attention = 0;
  double dense_mlp = 0;
  double routed_experts = 0;
  double shared_experts = 0;
  double other = 0;       // router and norms (replicated, model dtype)
  double embeddings = 0;  // input embedding + LM head (vocabulary-parallel over TP, model dtype)
  double vision = 0;      // the vision tower (model dtype, sharded over TP); loaded, never read by a text step

  double total() const { return attention + dense_mlp + routed_experts + shared_experts + other + embeddings + vision; }
};

WeightBytes weight_bytes_per_gpu(const ModelShape& shape, const Parallelism& parallel);

// KV-cache bytes one token occupies in one layer (K and V over all KV heads), at `kv_bytes` per
// element (the model dtype for vLLM's kv_cache_dtype "auto").
double kv_bytes_per_token_per_layer(const ModelShape& shape, double kv_bytes);
// The same over all layers on one GPU at tensor parallelism `tp`: vLLM gives each rank
// max(1, kv_heads / tp) KV heads (heads are replicated when tp exceeds them).
double kv_bytes_per_token_per_gpu(const ModelShape& shape, int64_t tp, double kv_bytes);

// Matmul FLOPs (2 per multiply-add) of one token through every layer's linear projections:
// attention projections, the dense MLP or the shared + top-k routed experts, the router.
double layer_linear_flops_per_token(const ModelShape& shape);
// The LM head, paid only for tokens that are sampled (vLLM computes logits for the last
// position of each request, not for every prefill token).
double lm_head_flops_per_token(const ModelShape& shape);
// Attention score and value FLOPs (QK^T and AV, all heads, all layers) of `new_tokens` query
// tokens that attend causally to `context_tokens` earlier tokens plus each other:
// 4 * heads * head_dim * layers * (new * context + new * (new + 1) / 2). A decode step of one
// request is new_tokens = 1.
double attention_flops(const ModelShape& shape, double new_tokens, double context_tokens);

// Expected number of DISTINCT experts touched when `tokens` tokens each pick `top_k` of `experts`
// experts, routing uniform and independent: E * (1 - (1 - k/E)^T). Between min(E, k) (one token)
// and E (many tokens); 0 for no tokens.
double expected_distinct_experts(double tokens, int64_t top_k, int64_t experts);
// Routed-expert weight bytes one GPU reads in a step whose batch holds `tokens` tokens: per MoE
// layer, the expected distinct experts times one expert's bytes, divided over the expert shards.
double routed_expert_bytes_read_per_gpu(const ModelShape& shape, const Parallelism& parallel, double tokens);

}  // namespace blis::latency::physics
