// Deriving engine.kv_blocks as vLLM does (resolve_kv.h); the arithmetic is
// engine/latency/physics/kv_capacity.cpp, this file chooses when, with what, and says so.
#include "engine/config/resolve_kv.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "engine/catalog/data_dir.h"
#include "engine/catalog/gpu_catalog.h"
#include "engine/catalog/model_catalog.h"
#include "engine/config/scenario_where.h"
#include "engine/core/error.h"
#include "engine/latency/physics/model_costs.h"

namespace blis::config {
namespace {

namespace physics = latency::physics;
constexpr double kGiB = double(1 << 30);

std::string gib(double bytes) { return fmt::format("{:.2f} GiB", bytes / kGiB); }

// "KV sizing: no GPU memory ..." -> "no GPU memory ...": the caller says what was being sized.
std::string without_prefix(const std::string& what) {
  const std::string prefix = "KV sizing: ";
  return what.rfind(prefix, 0) == 0 ? what.substr(prefix.size()) : what;
}

std::string deployment_text(const KvSizingSource& s) {
  std::string text = fmt::format("{} on {} with TP {}", s.shape.source, s.gpu.name, s.parallel.tp);
  if (s.parallel.dp > 1) text += fmt::format(", DP {}", s.parallel.dp);
  if (s.parallel.expert_parallel) text += ", expert parallel";
  return text;
}

void log_derivation(const DiagnosticSink& log, const KvSizingSource& s, const physics::KvSizingInput& in,
                    const physics::KvCapacity& kv) {
  const auto info = [&log](const std::string& line) { log(LogLevel::Info, line); };
  info(fmt::format("KV cache: {} blocks, derived as vLLM sizes it at start-up (engine.kv_blocks / "
                   "--total-kv-blocks not given) for {}:",
                   kv.num_blocks, deployment_text(s)));
  info(fmt::format("  GPU memory as CUDA reports it  {} x gpu_memory_utilization {} = {}", gib(in.gpu_memory_bytes),
                   in.gpu_memory_utilization, gib(kv.requested_bytes)));
  info(fmt::format("  - weights on the GPU           {}{}", gib(kv.weight_bytes),
                   kv.offloaded_bytes > 0 ? fmt::format(" ({} more offloaded to host memory)", gib(kv.offloaded_bytes))
                                          : ""));
  info(fmt::format("  - activation peak              {} (sampler over {} rows {}, forward pass of {} tokens {})",
                   gib(kv.activation_peak_bytes), std::min(in.max_num_seqs, in.max_num_batched_tokens),
                   gib(kv.sampler_peak_bytes), in.max_num_batched_tokens, gib(kv.forward_peak_bytes)));
  info(fmt::format("  - outside PyTorch              {}", gib(kv.non_torch_bytes)));
  info(fmt::format("  = for the KV cache             {}", gib(kv.available_bytes)));
  info(fmt::format("  block                          {} tokens x {:.0f} bytes = {:.2f} MiB", in.block_size,
                   kv.kv_bytes_per_token, kv.block_bytes / (1 << 20)));
  info(fmt::format("  blocks                         {} ({} tokens)", kv.num_blocks, kv.max_tokens));
}

}  // namespace

double resolve_cpu_offload_bytes(const ScenarioSpec& spec, const physics::ModelShape& shape,
                                 const physics::Parallelism& parallel) {
  if (!spec.cpu_offload_gb) return 0;
  const double gb = *spec.cpu_offload_gb;
  if (!std::isfinite(gb) || gb < 0) {
    reject(spec, "engine.cpu_offload_gb", fmt::format("--cpu-offload-gb must be >= 0, got {}", gb),
           fmt::format("must be >= 0 (GiB of weights per GPU), got {}", gb));
  }
  const double weights = physics::weight_bytes_per_gpu(shape, parallel).total();
  const double bytes = gb * kGiB;  // vLLM: cpu_offload_gb * 1024**3
  if (bytes > weights) {
    const std::string why = fmt::format("{} GiB is more than the {} of weights on one GPU ({}, TP {})", gb,
                                        gib(weights), shape.source, parallel.tp);
    reject(spec, "engine.cpu_offload_gb", "--cpu-offload-gb " + why, "is " + why);
  }
  return bytes;
}

void log_cpu_offload(const KvSizingSource& source, const DiagnosticSink& log) {
  if (!(source.cpu_offload_bytes > 0)) return;
  log(LogLevel::Info,
      fmt::format("cpu offload: {} of weights per GPU in host memory, read over the {} GB/s host link of {} every step "
                  "({:.0f} µs at peak; the cpu_offload term)",
                  gib(source.cpu_offload_bytes), source.gpu.host_link_gbs, source.gpu.name,
                  source.cpu_offload_bytes / (source.gpu.host_link_gbs * 1e3)));
}

bool derives_kv_blocks(const ScenarioSpec& spec, bool physics_model, bool profiled_model) {
  if (spec.cpu_offload_gb && !physics_model) {
    reject(spec, "engine.cpu_offload_gb",
           "--cpu-offload-gb needs --latency-model physics (the only latency model that charges the offloaded "
           "weights' host-link reads; it does nothing otherwise)",
           "needs latency.model = \"physics\" (the only latency model that charges the offloaded weights' host-link "
           "reads; it does nothing otherwise)");
  }
  if (spec.gpu_memory_utilization) {
    const double u = *spec.gpu_memory_utilization;
    if (!(u > 0 && u <= 1)) {
      reject(spec, "engine.gpu_memory_utilization",
             fmt::format("--gpu-memory-utilization must be in (0, 1], got {}", u),
             fmt::format("must be in (0, 1], got {}", u));
    }
    if (!physics_model && !profiled_model) {
      reject(spec, "engine.gpu_memory_utilization",
             "--gpu-memory-utilization needs --latency-model physics or profiled (it sizes the KV cache they derive; "
             "it does nothing otherwise)",
             "needs latency.model = \"physics\" or \"profiled\" (it sizes the KV cache they derive; it does nothing "
             "otherwise)");
    }
    if (spec.kv_blocks) {
      reject(spec, "engine.gpu_memory_utilization",
             "--gpu-memory-utilization does nothing with --total-kv-blocks: the KV cache is derived only when "
             "--total-kv-blocks is not given",
             "does nothing with engine.kv_blocks: the KV cache is derived only when engine.kv_blocks is not given");
    }
  }
  return !spec.kv_blocks && (physics_model || profiled_model);
}

KvSizingSource profiled_kv_source(const ScenarioSpec& spec) {
  KvSizingSource s;
  const std::string gpu_name = spec.gpu.value_or("");
  if (gpu_name.empty()) {
    reject(spec, "model.gpu",
           "the profiled latency model derives the KV block count from the GPU's memory: give --hardware NAME "
           "(blis gpus lists them) or --total-kv-blocks N",
           "is required to derive the KV block count of the profiled latency model (a GPU of the catalog, blis "
           "gpus lists them); or set engine.kv_blocks");
  }
  const catalog::GpuCatalog gpus = catalog::GpuCatalog::load(catalog::data_path("gpus.yaml", "the GPU catalog"));
  try {
    s.gpu = gpus.get(gpu_name);
  } catch (const Error& e) {
    reject(spec, "model.gpu", std::string("--hardware: ") + e.what(), std::string("is invalid: ") + e.what());
  }
  std::string folder = spec.model_config_folder.value_or("");
  if (folder.empty()) folder = catalog::find_model_folder(*spec.model).value_or("");
  if (folder.empty()) {
    reject(spec, "model.config_folder",
           fmt::format("deriving the KV block count needs the shape of {}: it is not in the model catalog ({}); give "
                       "--model-config-folder DIR or --total-kv-blocks N",
                       *spec.model, catalog::default_model_catalog()),
           fmt::format("is missing: deriving the KV block count needs the shape of {}, which is not in the model "
                       "catalog ({}); or set engine.kv_blocks",
                       *spec.model, catalog::default_model_catalog()));
  }
  std::error_code ec;
  const bool is_dir = std::filesystem::is_directory(folder, ec);
  s.shape = physics::load_model_shape(is_dir ? (std::filesystem::path(folder) / "config.json").string() : folder);
  s.parallel.tp = spec.tp && *spec.tp > 0 ? *spec.tp : 1;
  return s;
}

int64_t derive_kv_blocks(const ScenarioSpec& spec, const KvSizingSource& source, const KvEngineSettings& engine,
                         const DiagnosticSink& log) {
  physics::KvSizingInput in;
  in.gpu_memory_bytes = source.gpu.cuda_memory_gib * kGiB;
  in.gpu_memory_utilization = spec.gpu_memory_utilization.value_or(0.9);  // vLLM's default
  in.block_size = engine.block_size;
  in.max_num_seqs = engine.max_num_seqs;
  in.max_num_batched_tokens = engine.max_num_batched_tokens;
  in.max_model_len = spec.max_model_len && *spec.max_model_len > 0 ? *spec.max_model_len : 0;
  in.cpu_offload_bytes = source.cpu_offload_bytes;
  in.parallel = source.parallel;
  physics::KvCapacity kv;
  try {
    kv = physics::derive_kv_capacity(source.shape, in);
  } catch (const Error& e) {
    // vLLM refuses to start too ("No available memory for the cache blocks").
    const std::string why = fmt::format("{}: {}", deployment_text(source), without_prefix(e.what()));
    reject(spec, "engine.kv_blocks", "cannot derive the KV block count (--total-kv-blocks not given) of " + why,
           "is not given and cannot be derived for " + why);
  }
  log_derivation(log, source, in, kv);
  if (!kv.fits_max_model_len) {
    // vLLM's check_enough_kv_cache_memory: it refuses to start rather than never finish a request.
    const int64_t needed = (in.max_model_len + in.block_size - 1) / in.block_size;
    const std::string why = fmt::format(
        "one request of {} tokens needs {} KV blocks ({}), more than the {} blocks ({}) left for the KV cache of {}; "
        "the longest request that fits is {} tokens. vLLM refuses to start here: raise the GPU memory utilization, "
        "lower the maximum model length or use more GPUs",
        in.max_model_len, needed, gib(double(needed) * kv.block_bytes), kv.num_blocks,
        gib(double(kv.num_blocks) * kv.block_bytes), deployment_text(source), kv.max_tokens);
    reject(spec, "engine.max_model_len", fmt::format("--max-model-len {}: {}", in.max_model_len, why),
           "is too long: " + why);
  }
  return kv.num_blocks;
}

}  // namespace blis::config
