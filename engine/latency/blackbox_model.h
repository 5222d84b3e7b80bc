// Trained alpha/beta regression (engine-core §4.2):
// StepTime = int64(((0 + b0) + b1*P) + b2*D) with P, D the prefill / decode new-token sums.
#pragma once

#include "engine/latency/latency_model.h"

namespace blis::latency {

class BlackboxModel final : public LatencyModel {
 public:
  // Throws blis::Error unless alpha and beta each have >= 3 finite entries.
  BlackboxModel(std::vector<double> alpha, std::vector<double> beta);
  Tick step_time(std::span<const StepMember> batch) const override;

 private:
  std::vector<double> beta_;
};

}  // namespace blis::latency
