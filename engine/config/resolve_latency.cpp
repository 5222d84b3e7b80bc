// Resolving latency = { model = "physics", ... } (and the --latency-model physics flags).
#include "engine/config/resolve_latency.h"

#include <fmt/format.h>

#include <filesystem>
#include <vector>

#include "engine/catalog/data_dir.h"
#include "engine/catalog/gpu_catalog.h"
#include "engine/catalog/model_catalog.h"
#include "engine/config/scenario_where.h"
#include "engine/core/error.h"
#include "engine/latency/physics/physics_model.h"

namespace blis::config {
namespace {

// A latency key, its flag, and whether the scenario gave it.
struct LatencyKey {
  const char* key;
  const char* flag;
  bool given;
};

[[noreturn]] void rethrow_at(const ScenarioSpec& spec, const std::string& key, const std::string& flag,
                             const std::string& what) {
  reject(spec, key, fmt::format("{}: {}", flag, what), fmt::format("is invalid: {}", what));
}

int64_t at_least_one(const ScenarioSpec& spec, const std::optional<int64_t>& v, const char* key, const char* flag) {
  const int64_t value = v ? *v : 1;
  if (value < 1) {
    reject(spec, key, fmt::format("{} must be >= 1, got {}", flag, value), fmt::format("must be >= 1, got {}", value));
  }
  return value;
}

// latency.config / model.config_folder may name a config.json or the folder holding it.
std::string config_file(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_directory(path, ec) ? (std::filesystem::path(path) / "config.json").string() : path;
}

}  // namespace

bool wants_physics_model(const ScenarioSpec& spec) {
  if (spec.latency_model) {
    if (*spec.latency_model == "physics") {
      if (spec.latency_profile) {
        reject(spec, "latency.profile", "--profile needs --latency-model profiled (the physics model reads no profile)",
               "needs latency.model = \"profiled\" (the physics model reads no profile)");
      }
      return true;
    }
    if (*spec.latency_model != "profiled") {  // profiled: engine/config/resolve_profiled.h
      const std::string hint = did_you_mean(*spec.latency_model, {"physics", "profiled"});
      reject(spec, "latency.model",
             fmt::format("--latency-model must be \"physics\" or \"profiled\", got \"{}\"{}; without the flag blis "
                         "uses the blackbox or roofline model as the model flags decide",
                         *spec.latency_model, hint),
             fmt::format("must be \"physics\" or \"profiled\", got \"{}\"{}; without latency.model blis uses the "
                         "blackbox or roofline model as the model keys decide",
                         *spec.latency_model, hint));
    }
  }
  const LatencyKey keys[] = {
      {"latency.gpu", "latency.gpu", spec.latency_gpu.has_value()},
      {"latency.tp", "latency.tp", spec.latency_tp.has_value()},
      {"latency.dp", "--dp", spec.latency_dp.has_value()},
      {"latency.ep", "--ep", spec.latency_ep.has_value()},
      {"latency.coefficients", "--coefficients", spec.latency_coefficients.has_value()},
      {"latency.config", "latency.config", spec.latency_config.has_value()},
  };
  const bool profiled = spec.latency_model && *spec.latency_model == "profiled";
  for (const LatencyKey& k : keys) {
    // The profiled model reads --ep (its MoE experts per rank; engine/config/resolve_profiled.cpp);
    // its DP ranks are instances (--num-instances), so --dp stays the physics model's.
    if (profiled && k.key == std::string("latency.ep")) continue;
    if (k.given) {
      reject(spec, k.key, fmt::format("{} needs --latency-model physics (it does nothing otherwise)", k.flag),
             "needs latency.model = \"physics\" (it does nothing otherwise)");
    }
  }
  return false;
}

PhysicsResolution resolve_physics_model(const ScenarioSpec& spec, const DiagnosticSink& log) {
  namespace physics = latency::physics;
  PhysicsResolution out;

  // The GPU: latency.gpu, else model.gpu (--hardware).
  const bool own_gpu = spec.latency_gpu.has_value();
  const std::string gpu_key = own_gpu ? "latency.gpu" : "model.gpu";
  const std::string gpu_name = own_gpu ? *spec.latency_gpu : spec.gpu.value_or("");
  if (gpu_name.empty()) {
    reject(spec, gpu_key, "--latency-model physics needs a GPU: --hardware NAME (blis gpus lists them)",
           "is required by the physics model: a GPU of model_configs/gpus.yaml (blis gpus lists them)");
  }
  const catalog::GpuCatalog gpus = catalog::GpuCatalog::load(catalog::data_path("gpus.yaml", "the GPU catalog"));
  const catalog::GpuSpec* gpu = nullptr;
  try {
    gpu = &gpus.get(gpu_name);
  } catch (const Error& e) {
    rethrow_at(spec, gpu_key, "--hardware", e.what());
  }
  out.gpu = gpu->name;

  // Parallelism: latency.tp, else model.tp (--tp) when > 0, else 1 (model.tp 0 means "from the
  // defaults file", which the physics model does not read; a negative one is still an error).
  const bool model_tp_given = spec.tp && *spec.tp != 0;
  const std::optional<int64_t> tp = spec.latency_tp ? spec.latency_tp
                                    : model_tp_given ? spec.tp
                                                     : std::optional<int64_t>();
  physics::Deployment deployment;
  deployment.tp = at_least_one(spec, tp, spec.latency_tp ? "latency.tp" : "model.tp", "--tp");
  deployment.dp = at_least_one(spec, spec.latency_dp, "latency.dp", "--dp");
  deployment.ep = at_least_one(spec, spec.latency_ep, "latency.ep", "--ep");
  out.tp = deployment.tp;

  // The shape: latency.config, else model.config_folder, else the model catalog by model id.
  std::string shape_path;
  if (spec.latency_config) {
    shape_path = config_file(*spec.latency_config);
  } else if (spec.model_config_folder && !spec.model_config_folder->empty()) {
    shape_path = config_file(*spec.model_config_folder);
  } else {
    std::optional<std::string> folder;
    try {
      folder = catalog::find_model_folder(*spec.model);
    } catch (const Error& e) {
      rethrow_at(spec, "model.name", "--model", e.what());
    }
    if (!folder) {
      reject(spec, "model.name",
             fmt::format("--latency-model physics: no config.json for model {} in {}; give --model-config-folder DIR",
                         *spec.model, catalog::default_model_catalog()),
             fmt::format("has no config.json in {} for the physics model; set latency.config (a config.json or its "
                         "folder)",
                         catalog::default_model_catalog()));
    }
    shape_path = config_file(*folder);
  }
  const physics::ModelShape shape = physics::load_model_shape(shape_path);
  const physics::Parallelism parallel{deployment.tp, deployment.dp, deployment.ep > 1};
  deployment.cpu_offload_bytes = resolve_cpu_offload_bytes(spec, shape, parallel);  // resolve_kv.h

  const std::string coefficients_path = spec.latency_coefficients
                                            ? *spec.latency_coefficients
                                            : catalog::data_path("physics/default.yaml", "the physics coefficients");
  const physics::PhysicsCoefficients coefficients = physics::load_physics_coefficients(coefficients_path);

  try {
    out.model = std::make_shared<physics::PhysicsModel>(coefficients, shape, *gpu, deployment);
  } catch (const Error& e) {
    if (deployment.ep > 1) rethrow_at(spec, "latency.ep", "--ep", e.what());
    rethrow_at(spec, gpu_key, "--hardware", e.what());
  }

  out.kv_source = KvSizingSource{shape, *gpu, parallel, deployment.cpu_offload_bytes};
  out.dp = deployment.dp;
  out.ep = deployment.ep;
  out.coefficients_source = fmt::format("{} ({})", coefficients_path,
                                        coefficients.is_fitted() ? "fitted on " + coefficients.fitted_on
                                                                 : "priors, not fitted");

  if (spec.alpha || spec.beta || spec.hardware_config) {
    log(LogLevel::Warning, "the physics latency model does not use model.alpha, model.beta or model.hardware_config "
                           "(--alpha-coeffs, --beta-coeffs, --hardware-config)");
  }
  log(LogLevel::Info,
      fmt::format("physics latency model: GPU {}, TP {}, DP {}, EP {}, model config {}, coefficients {} ({})", gpu->name,
                  deployment.tp, deployment.dp, deployment.ep, shape_path, coefficients_path,
                  coefficients.is_fitted() ? "fitted on " + coefficients.fitted_on : "priors, not fitted"));
  return out;
}

}  // namespace blis::config
