// Physics step time: the basis terms weighted by their coefficients.
#include "engine/latency/physics/physics_model.h"

namespace blis::latency::physics {

PhysicsModel::PhysicsModel(const PhysicsCoefficients& coefficients, const ModelShape& shape,
                           const catalog::GpuSpec& gpu, const Deployment& deployment)
    : LatencyModel({coefficients.queueing_us, coefficients.queueing_us_per_input_token, coefficients.output_token_us}),
      coefficients_(coefficients.terms),
      constants_(make_step_constants(shape, gpu, deployment)) {
  completion_time_ = go_round_to_int64(coefficients.post_decode_us);
}

PhysicsModel::PhysicsModel(const PhysicsCoefficients& coefficients, const StepConstants& constants)
    : LatencyModel({coefficients.queueing_us, coefficients.queueing_us_per_input_token, coefficients.output_token_us}),
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
