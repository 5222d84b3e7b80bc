// Counting a ModelShape's parameters, bytes and FLOPs (formulas in docs/latency-models.md,
// "Model shapes and KV sizing"). Everything is double: counts reach 10^12 and feed floating-point
// latency terms; every product here is exact in double for the dimensions the parser accepts.
#include "engine/latency/physics/model_costs.h"

#include <algorithm>
#include <cmath>

namespace blis::latency::physics {
namespace {

double d(int64_t v) { return static_cast<double>(v); }

// One layer's attention projections: q (H x heads*hd), k and v (H x kv*hd each), o (heads*hd x H).
double attention_params_per_layer(const ModelShape& s) {
  const double q_width = d(s.num_heads) * d(s.head_dim);
  const double kv_width = d(s.num_kv_heads) * d(s.head_dim);
  double params = d(s.hidden_size) * (q_width + 2 * kv_width) + q_width * d(s.hidden_size);
  if (s.attention_bias) params += q_width + 2 * kv_width;
  return params;
}

// A gated MLP (SwiGLU: gate, up, down) of width `width`.
double mlp_params(const ModelShape& s, int64_t width) { return 3 * d(s.hidden_size) * d(width); }

double shared_params_per_layer(const ModelShape& s) {
  return mlp_params(s, s.shared_expert_width) + (s.shared_expert_gate ? d(s.hidden_size) : 0);
}

// Qwen3 (and Qwen3-MoE) normalise q and k per head: two head_dim-sized weights per layer.
// Llama-4's use_qk_norm is a weightless L2 norm (transformers Llama4TextL2Norm): no parameters.
bool has_qk_norm(const ModelShape& s) { return s.model_type == "qwen3" || s.model_type == "qwen3_moe"; }

// Llama-4's vision encoder (transformers Llama4VisionModel with Llama4MultiModalProjector; vLLM
// mllama4.py builds the same tensors). H = vision hidden size, I = its MLP width, L = layers.
//  * patch embedding (an unfolded convolution, no bias): channels x patch^2 x H;
//  * class embedding H, positional embedding ((image / patch)^2 + 1) x H, pre and post
//    LayerNorms (weight and bias) 4H;
//  * per layer: q, k, v, o with biases 4(H^2 + H), MLP fc1 and fc2 with biases 2HI + I + H, two
//    LayerNorms 4H;
//  * the pixel-shuffle adapter (no biases): I x projector_input + projector_output^2;
//  * the projector into the language model (no bias): vision_output x text hidden size.
double vision_params(const ModelShape& s) {
  const VisionTower& v = s.vision;
  if (!v.counted()) return 0;
  const double h = d(v.hidden_size), i = d(v.intermediate_size);
  const double patches = d(v.image_size / v.patch_size) * d(v.image_size / v.patch_size);
  const double stem = d(v.num_channels) * d(v.patch_size) * d(v.patch_size) * h + h + (patches + 1) * h + 4 * h;
  const double per_layer = 4 * (h * h + h) + 2 * h * i + i + h + 4 * h;
  const double adapter = i * d(v.projector_input_dim) + d(v.projector_output_dim) * d(v.projector_output_dim);
  const double projector = d(v.vision_output_dim) * d(s.hidden_size);
  return stem + d(v.num_layers) * per_layer + adapter + projector;
}

}  // namespace

ParameterCounts count_parameters(const ModelShape& s) {
  ParameterCounts p;
  const double layers = d(s.num_layers);
  const double moe_layers = d(s.num_moe_layers());
  const double dense_layers = layers - moe_layers;
  p.attention = layers * attention_params_per_layer(s);
  p.dense_mlp = dense_layers * mlp_params(s, s.intermediate_size);
  p.routed_experts = moe_layers * d(s.num_experts) * mlp_params(s, s.moe_intermediate_size);
  p.shared_experts = moe_layers * shared_params_per_layer(s);
  p.router = moe_layers * d(s.hidden_size) * d(s.num_experts);
  p.norms = layers * 2 * d(s.hidden_size) + d(s.hidden_size) + (has_qk_norm(s) ? layers * 2 * d(s.head_dim) : 0);
  p.embedding = d(s.vocab_size) * d(s.hidden_size);
  p.lm_head = s.tie_word_embeddings ? 0 : p.embedding;
  p.vision = vision_params(s);
  const double routed_active = moe_layers * d(s.experts_per_token) * mlp_params(s, s.moe_intermediate_size);
  p.active = p.language_model() - p.routed_experts + routed_active;
  return p;
}

WeightBytes weight_bytes_per_gpu(const ModelShape& s, const Parallelism& par) {
  const ParameterCounts p = count_parameters(s);
  const double tp = d(std::max<int64_t>(1, par.tp));
  const double shards = d(std::max<int64_t>(1, par.expert_shards()));
  WeightBytes w;
  w.attention = p.attention * s.linear_weight_bytes / tp;
  w.dense_mlp = p.dense_mlp * s.linear_weight_bytes / tp;
  w.routed_experts = p.routed_experts * s.linear_weight_bytes / shards;
  w.shared_experts = p.shared_experts * s.linear_weight_bytes / tp;  // replicated per DP rank
  w.other = (p.router + p.norms) * s.dtype_bytes;
  w.embeddings = (p.embedding + p.lm_head) * s.dtype_bytes / tp;
  // Quantized checkpoints leave the vision tower unquantized (compressed-tensors "ignore"); vLLM's
  // default mm_encoder_tp_mode "weights" shards its linear layers over TP. Its few replicated
  // tensors (norms, biases, embeddings: 2.2M parameters for Llama-4) are counted as sharded too.
  w.vision = p.vision * s.dtype_bytes / tp;
  return w;
}

double kv_bytes_per_token_per_layer(const ModelShape& s, double kv_bytes) {
  return 2 * d(s.num_kv_heads) * d(s.head_dim) * kv_bytes;
}

double kv_bytes_per_token_per_gpu(const ModelShape& s, int64_t tp, double kv_bytes) {
  const int64_t heads_per_gpu = std::max<int64_t>(1, s.num_kv_heads / std::max<int64_t>(1, tp));
  return d(s.num_layers) * 2 * d(heads_per_gpu) * d(s.head_dim) * kv_bytes;
}

double layer_linear_flops_per_token(const ModelShape& s) {
  const double moe_layers = d(s.num_moe_layers());
  const double dense_layers = d(s.num_layers) - moe_layers;
  const double per_moe_layer = d(s.experts_per_token) * mlp_params(s, s.moe_intermediate_size) +
                               shared_params_per_layer(s) + d(s.hidden_size) * d(s.num_experts);
  const double params = d(s.num_layers) * attention_params_per_layer(s) +
                        dense_layers * mlp_params(s, s.intermediate_size) + moe_layers * per_moe_layer;
  return 2 * params;
}

double lm_head_flops_per_token(const ModelShape& s) { return 2 * d(s.hidden_size) * d(s.vocab_size); }

double attention_flops(const ModelShape& s, double new_tokens, double context_tokens) {
  const double pairs = new_tokens * context_tokens + new_tokens * (new_tokens + 1) / 2;
  return 4 * d(s.num_heads) * d(s.head_dim) * d(s.num_layers) * pairs;
}

double expected_distinct_experts(double tokens, int64_t top_k, int64_t experts) {
  if (experts <= 0 || top_k <= 0 || tokens <= 0) return 0;
  const double e = d(experts);
  const double miss = 1 - d(std::min(top_k, experts)) / e;  // one token avoids a given expert
  return e * (1 - std::pow(miss, tokens));
}

double routed_expert_bytes_read_per_gpu(const ModelShape& s, const Parallelism& par, double tokens) {
  if (!s.is_moe()) return 0;
  const double expert_bytes = mlp_params(s, s.moe_intermediate_size) * s.linear_weight_bytes;
  const double distinct = expected_distinct_experts(tokens, s.experts_per_token, s.num_experts);
  return d(s.num_moe_layers()) * distinct * expert_bytes / d(std::max<int64_t>(1, par.expert_shards()));
}

}  // namespace blis::latency::physics
