// vLLM's start-up KV sizing, as v0.15-v0.19 do it (read through the code search, not copied):
//
//  * vllm/v1/worker/gpu_worker.py, Worker.init_device / determine_available_memory: the budget is
//    requested_memory = total GPU memory x gpu_memory_utilization. A profiling run
//    (GPUModelRunner.profile_run: one forward pass of max_num_batched_tokens dummy tokens, then
//    the sampler over min(max_num_seqs, max_num_batched_tokens) rows) is wrapped in
//    vllm/utils/mem_utils.py memory_profiling, which reports non_kv_cache_memory = weights +
//    torch_peak_increase (activation peak) + non_torch_increase (memory allocated outside the
//    PyTorch allocator since start). available = requested_memory - non_kv_cache_memory. The
//    CUDA-graph pool is subtracted only with VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS=1, off by
//    default in vllm/envs.py through v0.19: graphs are captured afterwards, in the
//    (1 - utilization) headroom. (Later releases turn it on by default; not modelled here.)
//  * vllm/v1/core/kv_cache_utils.py, get_kv_cache_config / get_num_blocks: every layer gets one
//    tensor of num_blocks pages; page = 2 (K,V) x block_size x KV heads on this rank x head_size
//    x dtype bytes (vllm/v1/kv_cache_interface.py, AttentionSpec.page_size_bytes), so
//    num_blocks = available // page // num_layers = available // (block_size x KV bytes/token).
//  * KV heads per rank: max(1, num_key_value_heads // tp) (vllm/config/model.py,
//    get_num_kv_heads).
//
// blis cannot run the profiler, so the activation peak and the non-torch memory are estimated
// (VllmMemoryConstants). Measured validation: docs/latency-models.md.
#include "engine/latency/physics/kv_capacity.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "engine/core/error.h"
#include <fmt/format.h>

namespace blis::latency::physics {
namespace {

constexpr double kGiB = double(1 << 30);

std::string gib(double bytes) { return fmt::format("{:.2f} GiB", bytes / kGiB); }

void check_input(const KvSizingInput& in) {
  if (!(in.gpu_memory_bytes > 0) || !std::isfinite(in.gpu_memory_bytes)) {
    throw Error("KV sizing: the GPU memory must be a positive size, got " + fmt::format("{}", in.gpu_memory_bytes));
  }
  if (!(in.gpu_memory_utilization > 0 && in.gpu_memory_utilization <= 1)) {
    throw Error("KV sizing: gpu_memory_utilization must be in (0, 1], got " +
                fmt::format("{}", in.gpu_memory_utilization));
  }
  if (in.block_size < 1 || in.max_num_seqs < 1 || in.max_num_batched_tokens < 1 || in.parallel.tp < 1 ||
      in.parallel.dp < 1) {
    throw Error("KV sizing: block size, max_num_seqs, max_num_batched_tokens, tp and dp must be at least 1");
  }
  if (!(in.cpu_offload_bytes >= 0) || !std::isfinite(in.cpu_offload_bytes)) {
    throw Error(fmt::format("KV sizing: the cpu offload must be a size >= 0, got {}", in.cpu_offload_bytes));
  }
}

// Activations of one profiling forward pass over `tokens` tokens on one GPU: the widest
// per-layer intermediates alive together (the residual stream and its normalised copy, the
// attention input and output, and the MLP's gate/up output with its activation), in the model
// dtype. Layers run one after another, so the peak is one layer's worth, whichever kind is wider.
double forward_peak_bytes(const ModelShape& s, double tokens, const Parallelism& par) {
  const double tp = double(par.tp);
  const double h = double(s.hidden_size);
  const double qkv = double(s.num_heads + 2 * s.num_kv_heads) * double(s.head_dim) / tp;
  const double dense = s.num_dense_layers() > 0 ? 3 * double(s.intermediate_size) / tp : 0;
  // Fused-MoE workspace: each token's top-k copies through gate/up and the activation, plus the
  // per-expert outputs before they are summed; the shared expert runs alongside.
  const double moe = s.is_moe() ? double(s.experts_per_token) * (3 * double(s.moe_intermediate_size) / tp + h) +
                                      3 * double(s.shared_expert_width) / tp
                                : 0;
  return tokens * (4 * h + qkv + std::max(dense, moe)) * s.dtype_bytes;
}

}  // namespace

KvCapacity derive_kv_capacity(const ModelShape& shape, const KvSizingInput& in, const VllmMemoryConstants& k) {
  check_input(in);
  KvCapacity out;
  out.requested_bytes = std::ceil(in.gpu_memory_bytes * in.gpu_memory_utilization);
  const double all_weights = weight_bytes_per_gpu(shape, in.parallel).total();
  if (in.cpu_offload_bytes > all_weights) {
    throw Error("KV sizing: the cpu offload (" + gib(in.cpu_offload_bytes) + ") exceeds the " + gib(all_weights) +
                " of weights on one GPU");
  }
  out.offloaded_bytes = in.cpu_offload_bytes;
  out.weight_bytes = all_weights - in.cpu_offload_bytes;
  out.forward_peak_bytes = forward_peak_bytes(shape, double(in.max_num_batched_tokens), in.parallel);
  // Every rank samples over the full vocabulary (the logits are gathered), so no TP division.
  const double sampled_rows = double(std::min(in.max_num_seqs, in.max_num_batched_tokens));
  out.sampler_peak_bytes = sampled_rows * double(shape.vocab_size) * k.sampler_bytes_per_logit;
  out.activation_peak_bytes = std::max(out.forward_peak_bytes, out.sampler_peak_bytes);
  out.non_torch_bytes = k.non_torch_bytes + (in.parallel.tp * in.parallel.dp > 1 ? k.multi_gpu_non_torch_bytes : 0);
  out.available_bytes = out.requested_bytes - out.weight_bytes - out.activation_peak_bytes - out.non_torch_bytes;
  const double kv_bytes = in.kv_bytes > 0 ? in.kv_bytes : shape.dtype_bytes;
  out.kv_bytes_per_token = kv_bytes_per_token_per_gpu(shape, in.parallel.tp, kv_bytes);
  out.block_bytes = double(in.block_size) * out.kv_bytes_per_token;
  if (out.available_bytes < out.block_bytes) {
    throw Error("KV sizing: no GPU memory is left for the KV cache: " + gib(out.requested_bytes) + " requested (" +
                fmt::format("{}", in.gpu_memory_utilization) + " of " + gib(in.gpu_memory_bytes) + ") - " +
                gib(out.weight_bytes) + " weights - " + gib(out.activation_peak_bytes) + " activation peak - " +
                gib(out.non_torch_bytes) + " outside PyTorch = " + gib(out.available_bytes) +
                "; use more GPUs (tp), a larger utilization or a larger GPU");
  }
  out.num_blocks = static_cast<int64_t>(std::floor(out.available_bytes / out.block_bytes));
  out.max_tokens = out.num_blocks * in.block_size;
  out.fits_max_model_len = in.max_model_len <= 0 || out.max_tokens >= in.max_model_len;
  return out;
}

}  // namespace blis::latency::physics
