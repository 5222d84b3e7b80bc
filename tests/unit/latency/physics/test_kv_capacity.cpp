// vLLM-style KV block counts against the real block counts in ../shared/sim2real (every one that
// is published: C_llmservingsim-bench-vllm0.19.0/RTX4090/Llama-3.1-8B/vllm/meta.json; A_ and B_
// say theirs are not public and the other C_ runs do not record it).
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "engine/core/error.h"
#include "engine/latency/physics/kv_capacity.h"

#ifndef BLIS_SOURCE_DIR
#error "BLIS_SOURCE_DIR must name the repository root"
#endif

using namespace blis::latency::physics;

namespace {

const std::string kRoot = BLIS_SOURCE_DIR;

// The RTX 4090 run: vLLM 0.19.0, TP1, max_num_seqs 256, max_num_batched_tokens 2048,
// max_model_len 32768, gpu_memory_utilization 0.9, block 16, bf16; the GPU reported
// device_total_memory_bytes 25,250,627,584. vLLM allocated 2,588 blocks (41,408 tokens).
KvSizingInput rtx4090_run() {
  KvSizingInput in;
  in.gpu_memory_bytes = 25250627584.0;
  in.gpu_memory_utilization = 0.9;
  in.block_size = 16;
  in.max_num_seqs = 256;
  in.max_num_batched_tokens = 2048;
  in.max_model_len = 32768;
  return in;
}

}  // namespace

TEST_CASE("KV sizing: Llama-3.1-8B on the RTX 4090 run is within 3% of vLLM's 2588 blocks") {
  const ModelShape llama = load_model_shape(kRoot + "/model_configs/hf/llama-3.1-8b-instruct/config.json");
  const KvCapacity kv = derive_kv_capacity(llama, rtx4090_run());
  constexpr double kMeasured = 2588;
  CHECK(std::fabs(double(kv.num_blocks) - kMeasured) / kMeasured <= 0.03);
  // The derivation by hand: ceil(25,250,627,584 x 0.9) = 22,725,564,826 requested;
  // - 16,060,522,496 weights - 1,182,007,296 sampler peak (256 x 128,256 x 36)
  // - 96,636,764.16 non-torch (0.09 GiB) = 5,386,398,269.84 bytes;
  // / (16 x 131,072 bytes per block) = 2568.44 -> 2568 blocks (-0.77%).
  CHECK(kv.requested_bytes == 22725564826.0);
  CHECK(kv.weight_bytes == 16060522496.0);
  CHECK(kv.sampler_peak_bytes == 1182007296.0);
  CHECK(kv.forward_peak_bytes == 2048.0 * (4 * 4096 + 6144 + 3 * 14336) * 2);
  CHECK(kv.activation_peak_bytes == kv.sampler_peak_bytes);
  CHECK(kv.block_bytes == 2097152.0);
  CHECK(kv.num_blocks == 2568);
  CHECK(kv.fits_max_model_len);
}

TEST_CASE("KV sizing: the block count moves the way vLLM's does") {
  const ModelShape llama = load_model_shape(kRoot + "/model_configs/hf/llama-3.1-8b-instruct/config.json");
  const KvSizingInput base = rtx4090_run();
  const int64_t blocks = derive_kv_capacity(llama, base).num_blocks;

  KvSizingInput more = base;
  more.gpu_memory_utilization = 0.95;  // 0.05 x 25.25 GB more budget = 602 more 2 MiB blocks
  CHECK(derive_kv_capacity(llama, more).num_blocks == blocks + 602);

  KvSizingInput tp2 = base;
  tp2.parallel.tp = 2;  // half the weights and half the KV per token per GPU
  CHECK(derive_kv_capacity(llama, tp2).num_blocks > 2 * blocks);

  KvSizingInput big_blocks = base;
  big_blocks.block_size = 32;
  CHECK(derive_kv_capacity(llama, big_blocks).num_blocks == blocks / 2);

  KvSizingInput long_context = base;
  long_context.max_model_len = 131072;  // 2568 x 16 = 41,088 tokens: one such request does not fit
  CHECK_FALSE(derive_kv_capacity(llama, long_context).fits_max_model_len);
}

TEST_CASE("KV sizing: MoE with DP x EP splits the experts") {
  const ModelShape qwen = load_model_shape(kRoot + "/tests/fixtures/model_shapes/qwen3-30b-a3b-instruct-2507.json");
  KvSizingInput in = rtx4090_run();
  in.gpu_memory_bytes = 96.0 * (1 << 30);
  const KvCapacity alone = derive_kv_capacity(qwen, in);
  in.parallel = {1, 2, true};
  const KvCapacity ep = derive_kv_capacity(qwen, in);
  CHECK(ep.weight_bytes < alone.weight_bytes);
  CHECK(ep.kv_bytes_per_token == alone.kv_bytes_per_token);  // attention is replicated per DP rank
  CHECK(ep.num_blocks > alone.num_blocks);
}

TEST_CASE("KV sizing: refuses when nothing is left for the cache, naming the terms") {
  const ModelShape llama = load_model_shape(kRoot + "/model_configs/hf/llama-3.1-8b-instruct/config.json");
  KvSizingInput in = rtx4090_run();
  in.gpu_memory_bytes = 16.0 * (1 << 30);
  CHECK_THROWS_WITH_AS(derive_kv_capacity(llama, in),
                       "KV sizing: no GPU memory is left for the KV cache: 14.40 GiB requested (0.9 of 16.00 GiB) - "
                       "14.96 GiB weights - 1.10 GiB activation peak - 0.09 GiB outside PyTorch = -1.75 GiB; use "
                       "more GPUs (tp), a larger utilization or a larger GPU",
                       blis::Error);
  in = rtx4090_run();
  in.gpu_memory_utilization = 1.5;
  CHECK_THROWS_AS(derive_kv_capacity(llama, in), blis::Error);
}
