// The latency-model part of config::resolve() that blis adds to the reference: the physics model
// (docs/latency-models.md, "physics"), chosen only by latency.model = "physics" (--latency-model
// physics) in either compat mode. Without it the reference's blackbox / roofline resolution
// (engine-core §8.2) runs unchanged.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "engine/config/resolve_kv.h"
#include "engine/config/scenario_spec.h"
#include "engine/latency/latency_model.h"
#include "engine/simulation.h"

namespace blis::config {

// True when the scenario asks for the physics model. Rejects, naming the key (or flag), a
// latency.model other than "physics" and any other latency key given without it (it would do
// nothing).
bool wants_physics_model(const ScenarioSpec& spec);

struct PhysicsResolution {
  std::shared_ptr<const latency::LatencyModel> model;
  int64_t tp = 1;
  std::string gpu;  // the catalog's canonical name
  KvSizingSource kv_source;  // for a derived engine.kv_blocks (resolve_kv.h)
  int64_t dp = 1, ep = 1;
  std::string coefficients_source;  // the file and what it was fitted on, for the report's header
};

// Builds the physics model: the GPU from the catalog (model_configs/gpus.yaml), the shape from
// latency.config / model.config_folder / the model catalog, the coefficients from
// latency.coefficients or model_configs/physics/default.yaml. Every problem is a blis::Error
// naming the key path (or flag) and, for a file, file:line.
PhysicsResolution resolve_physics_model(const ScenarioSpec& spec, const DiagnosticSink& log);

}  // namespace blis::config
