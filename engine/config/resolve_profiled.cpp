#include "engine/config/resolve_profiled.h"

#include <fmt/format.h>

#include "engine/catalog/data_dir.h"
#include "engine/catalog/gpu_catalog.h"
#include "engine/catalog/model_catalog.h"
#include "engine/config/scenario_where.h"
#include "engine/core/error.h"
#include "engine/latency/model_hardware.h"
#include "engine/latency/physics/model_shape.h"
#include "engine/latency/profiled/profiled_model.h"

namespace blis::config {

namespace {

// The link the collectives cross: the catalog's collective_gbs and link_latency_us of the run's
// GPU (model.gpu), the same alpha-beta figures the physics model prices its collectives with.
// A GPU the catalog does not hold (or none named) keeps LLMServingSim's published PCIe figures,
// which are also the catalog's for the PCIe parts its runs used (RTX 4090, RTX PRO 6000).
latency::profiled::RingAllReduce catalog_link(const ScenarioSpec& spec) {
  latency::profiled::RingAllReduce link;
  if (!spec.gpu || spec.gpu->empty()) return link;
  const catalog::GpuCatalog gpus = catalog::GpuCatalog::load(catalog::data_path("gpus.yaml", "the GPU catalog"));
  if (const catalog::GpuSpec* gpu = gpus.find(*spec.gpu)) {
    link.link_bandwidth_gbps = gpu->collective_gbs;
    link.link_latency_us = gpu->link_latency_us;
  }
  return link;
}

}  // namespace

// The model name itself is checked with the physics model's keys (resolve_latency.cpp), which
// runs first; here only "profiled" and its own key matter.
bool profiled_selected(const ScenarioSpec& spec) {
  if (spec.latency_model && *spec.latency_model == "profiled") return true;
  if (spec.latency_profile) {
    reject(spec, "latency.profile", "--profile needs --latency-model profiled (it does nothing otherwise)",
           "needs latency.model = \"profiled\" (it does nothing otherwise)");
  }
  return false;
}

std::shared_ptr<const latency::LatencyModel> build_profiled_model(const ScenarioSpec& spec,
                                                                   const std::vector<double>& alpha) {
  if (!spec.latency_profile || spec.latency_profile->empty()) {
    reject(spec, "latency.profile",
           "the profiled latency model needs --profile DIR (a <dtype>/tp<N> folder of layer-wise kernel profiles)",
           "is missing: the profiled latency model needs it (a <dtype>/tp<N> folder of layer-wise kernel profiles)");
  }
  // The profile measures one transformer block; the step repeats it num_hidden_layers times.
  std::string folder = spec.model_config_folder.value_or("");
  if (folder.empty()) {
    const auto found = catalog::find_model_folder(*spec.model);
    if (!found) {
      reject(spec, "model.config_folder",
             fmt::format("the profiled latency model needs the layer count of {}: it is not in the model catalog "
                         "({}); give --model-config-folder", *spec.model, catalog::default_model_catalog()),
             fmt::format("is missing: {} is not in the model catalog ({}) and the profiled latency model needs its "
                         "layer count", *spec.model, catalog::default_model_catalog()));
    }
    folder = *found;
  }
  const latency::ModelArchitecture arch = latency::load_model_architecture(folder);
  // The profile is measured per rank at one TP degree (its tp<N> folder): running it at another
  // degree would price the wrong kernel shapes.
  const int64_t tp = spec.tp && *spec.tp > 0 ? *spec.tp : 1;
  const int64_t profiled_tp = latency::profiled::profile_tp_degree(*spec.latency_profile);
  if (profiled_tp > 0 && profiled_tp != tp) {
    reject(spec, "latency.profile",
           fmt::format("the profile {} was measured at TP {} but the run is at TP {} (--tp); give the tp{} folder",
                       *spec.latency_profile, profiled_tp, tp, tp),
           fmt::format("was measured at TP {} but model.tp is {}; give the tp{} folder", profiled_tp, tp, tp));
  }
  auto profile = std::make_shared<const latency::profiled::LayerProfile>(
      latency::profiled::load_layer_profile(*spec.latency_profile, tp));
  latency::profiled::RingAllReduce all_reduce = catalog_link(spec);
  all_reduce.ranks = tp;
  // MoE: the experts per EP rank (--ep), routed as LLMServingSim's balanced gate.
  const latency::physics::ModelShape shape = latency::physics::load_model_shape(folder + "/config.json");
  latency::profiled::MoeRouting moe;
  const int64_t ep = spec.latency_ep.value_or(1);
  if (shape.num_experts > 0) {
    if (profile->moe.empty()) {
      reject(spec, "latency.profile",
             fmt::format("{} is an MoE model but the profile {} has no moe.csv (nor does its tp1 folder)", *spec.model,
                         *spec.latency_profile),
             fmt::format("has no moe.csv (nor does its tp1 folder), and {} is an MoE model", *spec.model));
    }
    if (ep < 1 || shape.num_experts % ep != 0) {
      reject(spec, "latency.ep",
             fmt::format("--ep {} must be >= 1 and divide the model's {} experts", ep, shape.num_experts),
             fmt::format("must be >= 1 and divide the model's {} experts, got {}", shape.num_experts, ep));
    }
    moe = {shape.num_experts, shape.experts_per_token, ep, shape.num_moe_layers(), catalog_link(spec)};
    moe.link.ranks = ep;
  } else if (ep != 1) {
    reject(spec, "latency.ep", fmt::format("--ep {} needs an MoE model; {} has no experts", ep, *spec.model),
           fmt::format("needs an MoE model; {} has no experts", *spec.model));
  }
  return std::make_shared<latency::ProfiledModel>(alpha, std::move(profile), arch.num_layers, all_reduce,
                                                  arch.hidden_dim, moe);
}

}  // namespace blis::config
