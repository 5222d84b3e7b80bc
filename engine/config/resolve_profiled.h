// Selecting the `profiled` latency model (scenario `latency = { model = "profiled", profile = DIR }`,
// `blis run --latency-model profiled --profile DIR`), kept apart from resolve.cpp's own model
// resolution so other latency models can be added beside it.
#pragma once

#include <memory>
#include <vector>

#include "engine/config/scenario_spec.h"
#include "engine/latency/latency_model.h"

namespace blis::config {

// True when latency.model is "profiled". Rejects (exit-1 message naming the key) any other value.
bool profiled_selected(const ScenarioSpec& spec);

// Loads latency.profile and the model's layer count (model.config_folder, else the model catalog
// folder of model.name) and builds the model. Rejects a missing profile key, an unreadable
// profile (file:line:column) or an unknown layer count.
std::shared_ptr<const latency::LatencyModel> build_profiled_model(const ScenarioSpec& spec,
                                                                   const std::vector<double>& alpha);

}  // namespace blis::config
