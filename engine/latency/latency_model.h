// Step-time models of one instance (engine-core §4). Every output is an int64 number of ticks.
// The alpha coefficients give the per-request times shared by both models (queueing, output
// token processing); the subclasses differ only in StepTime.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "engine/core/ticks.h"

namespace blis::latency {

// One running-batch member as the latency model sees it, classified before execution:
// prefill iff progress < input_len; decode iff progress >= input_len and output_len > 0;
// otherwise it contributes nothing (engine-core §4.1).
struct StepMember {
  int64_t progress = 0;    // ProgressIndex before the step
  int64_t input_len = 0;
  int64_t output_len = 0;
  int64_t new_tokens = 0;  // NumNewTokens (may be stale, engine-core §3.6 NOTE)
};

class LatencyModel {
 public:
  // Throws blis::Error unless alpha has >= 3 entries, all finite (engine-core §4.1).
  explicit LatencyModel(std::vector<double> alpha);
  virtual ~LatencyModel() = default;

  virtual Tick step_time(std::span<const StepMember> batch) const = 0;

  Tick queueing_time(int64_t input_len) const;  // int64((0 + a0) + a1*L)
  Tick output_token_processing_time() const;    // int64(a2)
  Tick scheduling_processing_time() const { return 0; }
  // Host time between a request's last token and its response (detokenisation, sending), added
  // to its E2E only. 0 for the reference's models; the physics model's host.post_decode_us.
  Tick completion_processing_time() const { return completion_time_; }
  Tick preemption_processing_time() const { return 0; }
  const std::vector<double>& alpha() const { return alpha_; }

 protected:
  std::vector<double> alpha_;
  Tick completion_time_ = 0;
};

// Throws blis::Error unless `values` has >= 3 entries, all finite (engine-core §4.1).
void require_coefficients(const std::vector<double>& values, const char* name);

}  // namespace blis::latency
