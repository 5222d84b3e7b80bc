// Alpha/beta regression step time (engine-core §4.2).
#include "engine/latency/blackbox_model.h"

#include "engine/core/error.h"

namespace blis::latency {

BlackboxModel::BlackboxModel(std::vector<double> alpha, std::vector<double> beta)
    : LatencyModel(std::move(alpha)), beta_(std::move(beta)) {
  require_coefficients(beta_, "beta");
}

Tick BlackboxModel::step_time(std::span<const StepMember> batch) const {
  // P and D are int64 sums in the reference, so they wrap rather than saturate (§ Conventions).
  int64_t prefill_tokens = 0;
  int64_t decode_tokens = 0;
  for (const StepMember& m : batch) {
    if (m.progress < m.input_len) {
      prefill_tokens = wrap_add(prefill_tokens, m.new_tokens);
    } else if (m.output_len > 0) {
      decode_tokens = wrap_add(decode_tokens, m.new_tokens);
    }
  }
  // An empty batch needs no special case: P = D = 0 gives int64(b0).
  return go_int64(((0.0 + beta_[0]) + beta_[1] * static_cast<double>(prefill_tokens)) +
                  beta_[2] * static_cast<double>(decode_tokens));
}

}  // namespace blis::latency
