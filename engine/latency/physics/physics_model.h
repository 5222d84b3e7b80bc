// The physics latency model (docs/latency-models.md, "physics"): step time = the sum over the
// basis terms of step_terms.h of coefficient x term, rounded to a tick; the per-request host
// overheads come from the coefficient file through the base class's alpha hooks.
#pragma once

#include <memory>

#include "engine/catalog/gpu_spec.h"
#include "engine/latency/latency_model.h"
#include "engine/latency/physics/model_shape.h"
#include "engine/latency/physics/physics_coefficients.h"
#include "engine/latency/physics/step_terms.h"

namespace blis::latency::physics {

class PhysicsModel final : public LatencyModel {
 public:
  // Throws blis::Error for an impossible deployment (make_step_constants).
  PhysicsModel(const PhysicsCoefficients& coefficients, const ModelShape& shape, const catalog::GpuSpec& gpu,
               const Deployment& deployment);
  Tick step_time(std::span<const StepMember> batch) const override;

  // The step time before rounding, µs (tests, and tools that explain a step).
  double step_micros(std::span<const StepMember> batch) const;
  const StepConstants& constants() const { return constants_; }

  // The same model (shape, GPU, deployment) with other coefficients, without reading any file:
  // `blis fit` swaps candidate coefficients into a resolved run this way (engine/fit/).
  std::shared_ptr<const PhysicsModel> with_coefficients(const PhysicsCoefficients& coefficients) const;

 private:
  PhysicsModel(const PhysicsCoefficients& coefficients, const StepConstants& constants);

  std::array<double, kTermCount> coefficients_;
  StepConstants constants_;
};

}  // namespace blis::latency::physics
