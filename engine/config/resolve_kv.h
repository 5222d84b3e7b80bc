// The KV block count blis derives as vLLM sizes its cache at start-up (docs/latency-models.md,
// "vLLM's KV block count"), and vLLM's weight offload (--cpu-offload-gb), for the latency models
// blis adds (physics, profiled). The reference's blackbox and roofline models never derive: without
// engine.kv_blocks they keep the defaults file's count (or 1,000,000), so reference runs and parity
// stay bit-exact.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/catalog/gpu_spec.h"
#include "engine/config/scenario_spec.h"
#include "engine/latency/physics/kv_capacity.h"
#include "engine/latency/physics/model_shape.h"
#include "engine/simulation.h"

namespace blis::config {

// What the derivation needs to know about the deployment: one GPU of the catalog, the model's
// shape, the parallelism and the weights offloaded to host memory.
struct KvSizingSource {
  latency::physics::ModelShape shape;
  catalog::GpuSpec gpu;
  latency::physics::Parallelism parallel;
  double cpu_offload_bytes = 0;
};

// engine.cpu_offload_gb (--cpu-offload-gb), in bytes per GPU (GiB x 2^30, as vLLM reads it); 0 when
// not given. Rejects, naming the key, a negative or non-finite value and one above the weights on
// one GPU.
double resolve_cpu_offload_bytes(const ScenarioSpec& spec, const latency::physics::ModelShape& shape,
                                 const latency::physics::Parallelism& parallel);

// Logs at info, when there is an offload, what it costs every step at the host link's peak.
void log_cpu_offload(const KvSizingSource& source, const DiagnosticSink& log);

// True when the run derives its KV block count: engine.kv_blocks is not given and the latency model
// is physics or profiled. Rejects engine.gpu_memory_utilization where it would do nothing (another
// latency model, or engine.kv_blocks given) and engine.cpu_offload_gb outside the physics model.
bool derives_kv_blocks(const ScenarioSpec& spec, bool physics, bool profiled);

// The deployment of the profiled model for the derivation: the GPU model.gpu (--hardware), the shape
// of model.config_folder or the model catalog, tensor parallelism model.tp (1 when 0 or absent).
KvSizingSource profiled_kv_source(const ScenarioSpec& spec);

// The engine settings the derivation reads (vLLM's names in kv_capacity.h).
struct KvEngineSettings {
  int64_t block_size = 16;
  int64_t max_num_seqs = 256;
  int64_t max_num_batched_tokens = 2048;
};

// vLLM's block count for `source` and `engine`, at engine.gpu_memory_utilization (default 0.9),
// every term logged at info. Rejects, naming the GPU, TP and the numbers, a deployment that leaves
// nothing for the KV cache or whose cache cannot hold one request of engine.max_model_len (vLLM
// refuses to start in both cases).
int64_t derive_kv_blocks(const ScenarioSpec& spec, const KvSizingSource& source, const KvEngineSettings& engine,
                         const DiagnosticSink& log);

}  // namespace blis::config
