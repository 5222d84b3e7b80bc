// HuggingFace config.json read as a physics ModelShape (engine/latency/physics/model_shape), then
// every derived quantity computed from it: parameter counts, bytes per GPU, KV bytes, FLOPs,
// distinct experts and the vLLM KV block count, so that a shape the parser accepts cannot make
// the arithmetic misbehave (float-to-int casts, divisions by zero).
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/core/error.h"
#include "engine/latency/physics/kv_capacity.h"
#include "engine/latency/physics/model_costs.h"
#include "engine/latency/physics/model_shape.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace physics = blis::latency::physics;
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const physics::ModelShape shape = physics::parse_model_shape(text, "fuzz/config.json");
    (void)physics::count_parameters(shape);
    for (const physics::Parallelism par : {physics::Parallelism{1, 1, false}, physics::Parallelism{8, 4, true}}) {
      (void)physics::weight_bytes_per_gpu(shape, par);
      (void)physics::kv_bytes_per_token_per_gpu(shape, par.tp, shape.dtype_bytes);
      (void)physics::routed_expert_bytes_read_per_gpu(shape, par, 4096);
      physics::KvSizingInput in;
      in.gpu_memory_bytes = 80.0 * (1 << 30);
      in.parallel = par;
      in.max_model_len = 32768;
      (void)physics::derive_kv_capacity(shape, in);
    }
    (void)physics::layer_linear_flops_per_token(shape);
    (void)physics::lm_head_flops_per_token(shape);
    (void)physics::attention_flops(shape, 2048, 30000);
  } catch (const blis::Error&) {
  }
  return 0;
}
