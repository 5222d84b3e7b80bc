// Analytical roofline step time (engine-core §4.3.3), with the alpha-based per-request times of
// the base class.
#pragma once

#include "engine/latency/latency_model.h"
#include "engine/latency/model_hardware.h"

namespace blis::latency {

class RooflineModel final : public LatencyModel {
 public:
  // Throws blis::Error listing every problem of §4.3.4 at once, or when tp <= 0.
  RooflineModel(std::vector<double> alpha, const ModelArchitecture& model, const HardwareSpec& hw,
                int64_t tp);
  Tick step_time(std::span<const StepMember> batch) const override;

 private:
  ModelArchitecture model_;
  HardwareSpec hw_;
  double tp_;
};

}  // namespace blis::latency
