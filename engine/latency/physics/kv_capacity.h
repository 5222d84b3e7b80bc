// vLLM's KV-cache block count, derived from GPU memory the way vLLM v0.15-v0.19 sizes it at start
// up, instead of a block count the user must know. vLLM measures its memory with a profiling run;
// blis cannot, so the activation peak and the memory outside PyTorch are estimated from the model
// shape and the scheduler limits (constants below, their sources in kv_capacity.cpp and
// docs/latency-models.md, "Model shapes and KV sizing").
#pragma once

#include <cstdint>

#include "engine/latency/physics/model_costs.h"
#include "engine/latency/physics/model_shape.h"

namespace blis::latency::physics {

// The serving configuration the block count depends on, in vLLM's terms.
struct KvSizingInput {
  // Total memory of one GPU as CUDA reports it (torch.cuda.mem_get_info()[1]), in bytes. This is
  // below the marketed size: e.g. an RTX 4090 "24 GB" reports 25,250,627,584 bytes (23.52 GiB).
  double gpu_memory_bytes = 0;
  double gpu_memory_utilization = 0.9;  // --gpu-memory-utilization
  int64_t block_size = 16;               // --block-size (tokens per block)
  int64_t max_num_seqs = 256;            // --max-num-seqs
  int64_t max_num_batched_tokens = 2048; // --max-num-batched-tokens
  int64_t max_model_len = 0;             // --max-model-len; 0 = not checked
  double kv_bytes = 0;                   // bytes per KV element; 0 = the model dtype ("auto")
  // --cpu-offload-gb in bytes, per GPU: weights kept in host memory, so vLLM's weight memory (and
  // the budget they take from the KV cache) is that much smaller. At most the weights per GPU.
  double cpu_offload_bytes = 0;
  Parallelism parallel;
};

// Estimates of what vLLM's profiling run measures. Defaults: see kv_capacity.cpp.
struct VllmMemoryConstants {
  // Memory allocated outside PyTorch during the profiling run (cuBLAS/cuDNN workspaces, ...):
  // vLLM's non_torch_increase. One GPU.
  double non_torch_bytes = 0.09 * (1 << 30);
  // Extra non-torch memory when the replica spans several GPUs (NCCL communicators and the
  // custom all-reduce buffers). Not validated against measurements: no multi-GPU block count
  // is published in the data blis has.
  double multi_gpu_non_torch_bytes = 0.25 * (1 << 30);
  // Bytes per (request row x vocabulary entry) the sampler's dummy run holds at its peak: nine
  // float32-sized tensors of max_num_seqs x vocab (logits, logprobs, sorted values, int64 sort
  // indices = 2, sorted softmax, cumulative sum, probabilities, exponential noise).
  double sampler_bytes_per_logit = 36;
};

// The derivation, every term in bytes, so that it can be printed.
struct KvCapacity {
  double requested_bytes = 0;        // gpu_memory_bytes x gpu_memory_utilization
  double weight_bytes = 0;           // weights on this GPU (after the cpu offload)
  double offloaded_bytes = 0;        // weights in host memory instead (--cpu-offload-gb)
  double forward_peak_bytes = 0;     // activations of a max_num_batched_tokens forward pass
  double sampler_peak_bytes = 0;     // the sampler's dummy run over max_num_seqs rows
  double activation_peak_bytes = 0;  // the larger of the two (they do not overlap)
  double non_torch_bytes = 0;
  double available_bytes = 0;        // requested - weights - activation peak - non-torch
  double kv_bytes_per_token = 0;     // all layers, this GPU
  double block_bytes = 0;            // block_size x kv_bytes_per_token
  int64_t num_blocks = 0;            // floor(available / block_bytes)
  bool fits_max_model_len = true;    // num_blocks x block_size >= max_model_len (vLLM refuses to start otherwise)
  // The longest request the blocks hold: num_blocks x block_size tokens (vLLM's "estimated
  // maximum model length" when it refuses to start).
  int64_t max_tokens = 0;
};

// Throws blis::Error when the inputs are out of range or nothing is left for the KV cache
// (vLLM refuses to start then too), naming the terms.
KvCapacity derive_kv_capacity(const ModelShape& shape, const KvSizingInput& input,
                              const VllmMemoryConstants& constants = {});

}  // namespace blis::latency::physics
