// Physics step time: the basis terms weighted by their coefficients.
#include "engine/latency/physics/physics_model.h"

namespace blis::latency::physics {

namespace {

// The engine's per-request host overheads (alpha): arrival -> queued, per prompt token, per output
// token. A TP > 1 deployment adds queueing_us_tp to the first (physics_coefficients.h).
std::vector<double> host_alpha(const PhysicsCoefficients& c, const StepConstants& k) {
  return {c.queueing_us + (k.tp > 1 ? c.queueing_us_tp : 0.0), c.queueing_us_per_input_token, c.output_token_us};
}

}  // namespace

PhysicsModel::PhysicsModel(const PhysicsCoefficients& coefficients, const ModelShape& shape,
                           const catalog::GpuSpec& gpu, const Deployment& deployment)
    : PhysicsModel(coefficients, make_step_constants(shape, gpu, deployment)) {}

PhysicsModel::PhysicsModel(const PhysicsCoefficients& coefficients, const StepConstants& constants)
    : LatencyModel(host_alpha(coefficients, constants)),
      coefficients_(coefficients.terms),
      constants_(constants) {
  completion_time_ = go_round_to_int64(coefficients.post_decode_us);
}

std::shared_ptr<const PhysicsModel> PhysicsModel::with_coefficients(const PhysicsCoefficients& coefficients) const {
  return std::shared_ptr<const PhysicsModel>(new PhysicsModel(coefficients, constants_));
}

double PhysicsModel::step_micros(std::span<const StepMember> batch) const {
  const StepTerms terms = step_terms(constants_, batch);
  double micros = 0;
  for (int i = 0; i < kTermCount; ++i) micros += coefficients_[i] * terms.values[i];
  return micros;
}

Tick PhysicsModel::step_time(std::span<const StepMember> batch) const {
  return go_round_to_int64(step_micros(batch));
}

}  // namespace blis::latency::physics
