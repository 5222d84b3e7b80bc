// The physics model's basis terms (formulas: docs/latency-models.md, "physics").
#include "engine/latency/physics/step_terms.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/core/error.h"

namespace blis::latency::physics {

const std::array<const char*, kTermCount> kTermNames = {
    "prefill_compute", "prefill_kv", "decode_compute", "decode_kv", "weights", "tp_all_reduce",
    "moe_routing",     "ep_all_to_all", "per_layer",   "per_request", "per_step",    "cpu_offload",
    "link_latency",
};

namespace {

double d(int64_t v) { return static_cast<double>(v); }

// Vendors publish TFLOP/s and TB/s (10^12 per second); a term is in microseconds.
double us_per_unit(double tera_per_second) { return 1.0 / (tera_per_second * 1e6); }
// Interconnects are published in GB/s (10^9 B/s).
double us_per_link_byte(double gbs) { return 1.0 / (gbs * 1e3); }

void check_deployment(const ModelShape& shape, const catalog::GpuSpec& gpu, const Deployment& dep) {
  if (dep.tp < 1) throw Error(fmt::format("physics latency model: tp must be >= 1, got {}", dep.tp));
  if (dep.dp < 1) throw Error(fmt::format("physics latency model: dp must be >= 1, got {}", dep.dp));
  if (dep.ep != 1 && dep.ep != dep.tp * dep.dp) {
    throw Error(fmt::format("physics latency model: ep must be 1 (no expert parallelism) or tp x dp = {} "
                            "(vLLM's --enable-expert-parallel spreads the experts over every GPU), got {}",
                            dep.tp * dep.dp, dep.ep));
  }
  if (dep.ep > 1 && !shape.is_moe()) {
    throw Error(fmt::format("physics latency model: ep = {} needs a mixture-of-experts model; {} has no experts",
                            dep.ep, shape.source));
  }
  if (dep.cpu_offload_bytes > 0 && !(gpu.host_link_gbs > 0)) {
    throw Error(fmt::format("physics latency model: GPU '{}' needs a positive host_link_gbs for cpu offload", gpu.name));
  }
  if (!(gpu.bf16_tflops > 0) || !(gpu.memory_bandwidth_tbs > 0) || !(gpu.collective_gbs > 0) ||
      !(gpu.link_latency_us > 0)) {
    throw Error(fmt::format("physics latency model: GPU '{}' needs positive bf16_tflops, memory_bandwidth_tbs, "
                            "collective_gbs and link_latency_us",
                            gpu.name));
  }
}

}  // namespace

StepConstants make_step_constants(const ModelShape& shape, const catalog::GpuSpec& gpu, const Deployment& dep) {
  check_deployment(shape, gpu, dep);
  const Parallelism par{dep.tp, dep.dp, dep.ep > 1};
  const double tp = d(dep.tp);
  StepConstants k;
  // W8A8 checkpoints (8-bit weights and activations: FP8, compressed-tensors FP8-dynamic) run
  // their quantized linear layers on the 8-bit tensor cores when the GPU has them (the catalog's
  // FP8 rate); weight-only schemes multiply in BF16; attention and the LM head stay in BF16.
  const bool fp8 = shape.linear_weight_bytes == 1 && shape.linear_activation_bytes == 1 && gpu.fp8_tflops > 0;
  k.us_per_linear_flop = us_per_unit(fp8 ? gpu.fp8_tflops : gpu.bf16_tflops);
  k.us_per_bf16_flop = us_per_unit(gpu.bf16_tflops);
  k.linear_flops_per_token = layer_linear_flops_per_token(shape) / tp;
  k.lm_head_flops_per_token = lm_head_flops_per_token(shape) / tp;
  // attention_flops(shape, 1, 0) counts one (query, key) pair: 4 x heads x head_dim x layers.
  k.attention_flops_per_pair = attention_flops(shape, 1, 0) / tp;
  k.us_per_byte = us_per_unit(gpu.memory_bandwidth_tbs);
  k.kv_bytes_per_token = kv_bytes_per_token_per_gpu(shape, dep.tp, shape.dtype_bytes);

  const WeightBytes w = weight_bytes_per_gpu(shape, par);
  if (!(dep.cpu_offload_bytes >= 0) || !std::isfinite(dep.cpu_offload_bytes) || dep.cpu_offload_bytes > w.total()) {
    throw Error(fmt::format("physics latency model: cpu offload must be between 0 and the {:.2f} GiB of weights on one "
                            "GPU, got {:.2f} GiB",
                            w.total() / double(1 << 30), dep.cpu_offload_bytes / double(1 << 30)));
  }
  // vLLM offloads whole parameters in module order until the budget is spent; the offloaded bytes
  // leave the always-read weights first and then the routed experts. Read over the host link
  // every step, they are charged there in full and no longer to the GPU's memory bandwidth.
  // The vision tower is resident but a text-only step never reads it.
  const double resident = w.total() - w.routed_experts - w.vision;
  k.resident_weight_bytes = std::max(0.0, resident - dep.cpu_offload_bytes);
  k.routed_bytes_if_all_touched = w.routed_experts - std::max(0.0, dep.cpu_offload_bytes - resident);
  k.cpu_offload_us = dep.cpu_offload_bytes * us_per_link_byte(gpu.host_link_gbs > 0 ? gpu.host_link_gbs : 1);
  if (shape.is_moe()) {
    const double hit = d(std::min(shape.experts_per_token, shape.num_experts)) / d(shape.num_experts);
    k.log_expert_miss = hit >= 1 ? -std::numeric_limits<double>::infinity() : std::log1p(-hit);
  }

  // The collectives move at what they reach over the link (collective_gbs), not at its
  // datasheet figure: the two agree on NVLink, while over PCIe a collective's messages cross
  // the root complex (or host memory when the cards cannot peer) at a fraction of it.
  const double link = us_per_link_byte(gpu.collective_gbs);
  const double activation_bytes = d(shape.hidden_size) * shape.dtype_bytes;
  // Ring all-reduce: each GPU sends and receives 2(tp-1)/tp of the buffer; two per layer
  // (after attention and after the MLP).
  k.all_reduce_us_per_token = 2 * d(shape.num_layers) * (2 * (tp - 1) / tp) * activation_bytes * link;
  const double moe_layers = d(shape.num_moe_layers());
  k.moe_assignments_per_token = d(shape.experts_per_token) * moe_layers;
  // Dispatch and combine per MoE layer, as vLLM's default EP backend (allgather_reducescatter)
  // does them: dispatch all-gathers every DP rank's hidden states, so each GPU receives the
  // other dp-1 ranks' tokens whole (not one copy per routed expert), and combine
  // reduce-scatters them back. Equally loaded ranks: (dp-1) x hidden x bytes per local token,
  // each way. EP inside one DP rank (dp 1) needs no exchange: its TP ranks already hold every
  // token and the all-reduce combines the experts' outputs.
  const double dp_peers = dep.ep > 1 ? d(dep.dp) - 1 : 0;
  k.all_to_all_us_per_token = 2 * moe_layers * activation_bytes * dp_peers * link;
  // Small collectives cost latency, not bandwidth: a ring all-reduce sends 2(tp-1) messages one
  // after another, each all-gather or reduce-scatter of the EP exchange dp-1; each message waits
  // one link latency (the alpha of the alpha-beta model, which LLMServingSim's network backend
  // also uses). At decode batch sizes this, not the bytes, is most of what TP costs on PCIe.
  const double ring_messages = 2 * d(shape.num_layers) * 2 * (tp - 1);
  const double all_to_all_messages = 2 * moe_layers * dp_peers;
  k.link_latency_us = (ring_messages + all_to_all_messages) * gpu.link_latency_us;
  k.layers = d(shape.num_layers);
  k.dp = d(dep.dp);
  k.tp = dep.tp;
  return k;
}

StepTerms step_terms(const StepConstants& k, std::span<const StepMember> batch) {
  // Integer sums in the loop (the hot path: one step per simulated iteration); products of token
  // counts and contexts stay far below 2^63 for any batch a GPU can hold.
  int64_t prefill_tokens = 0, prefill_pairs = 0, prefill_kv_tokens = 0, prefill_sampled = 0;
  int64_t decode_tokens = 0, decode_pairs = 0, decode_kv_tokens = 0;
  int64_t requests = 0;
  for (const StepMember& m : batch) {
    const int64_t n = m.new_tokens;
    // Causal attention of n new tokens over `progress` earlier ones and each other.
    const int64_t pairs = n * m.progress + n * (n + 1) / 2;
    if (m.progress < m.input_len) {
      prefill_tokens += n;
      prefill_pairs += pairs;
      prefill_kv_tokens += n + m.progress;  // write the chunk's KV, read the earlier context's
      // vLLM samples (and runs the LM head) only when the chunk completes the prompt.
      prefill_sampled += m.progress + n >= m.input_len;
      requests += 1;
    } else if (m.output_len > 0) {
      decode_tokens += n;
      decode_pairs += pairs;
      decode_kv_tokens += n + m.progress;  // read the whole context, write the new token's KV
      requests += 1;
    }
  }
  const double tokens = static_cast<double>(prefill_tokens + decode_tokens);

  StepTerms t;
  auto& v = t.values;
  v[int(Term::kPrefillCompute)] =
      double(prefill_tokens) * k.linear_flops_per_token * k.us_per_linear_flop +
      (double(prefill_sampled) * k.lm_head_flops_per_token + double(prefill_pairs) * k.attention_flops_per_pair) *
          k.us_per_bf16_flop;
  v[int(Term::kPrefillKv)] = double(prefill_kv_tokens) * k.kv_bytes_per_token * k.us_per_byte;
  v[int(Term::kDecodeCompute)] =
      double(decode_tokens) * k.linear_flops_per_token * k.us_per_linear_flop +
      (double(decode_tokens) * k.lm_head_flops_per_token + double(decode_pairs) * k.attention_flops_per_pair) *
          k.us_per_bf16_flop;
  v[int(Term::kDecodeKv)] = double(decode_kv_tokens) * k.kv_bytes_per_token * k.us_per_byte;
  if (tokens > 0) {
    // The experts a step reads are those the tokens of every DP rank touch (the ranks run their
    // MoE layers together, equally loaded): E x (1 - (1 - k/E)^(tokens x dp)) per MoE layer.
    const double touched = k.routed_bytes_if_all_touched > 0
                               ? k.routed_bytes_if_all_touched * -std::expm1(tokens * k.dp * k.log_expert_miss)
                               : 0.0;
    v[int(Term::kWeights)] = (k.resident_weight_bytes + touched) * k.us_per_byte;
    v[int(Term::kCpuOffload)] = k.cpu_offload_us;
    v[int(Term::kLinkLatency)] = k.link_latency_us;
  }
  v[int(Term::kTpAllReduce)] = tokens * k.all_reduce_us_per_token;
  v[int(Term::kMoeRouting)] = tokens * k.moe_assignments_per_token;
  v[int(Term::kEpAllToAll)] = tokens * k.all_to_all_us_per_token;
  v[int(Term::kLayers)] = k.layers;
  v[int(Term::kRequests)] = double(requests);
  v[int(Term::kStep)] = 1;
  return t;
}

}  // namespace blis::latency::physics
