#include "engine/cluster/admission.h"

#include <algorithm>

namespace blis::cluster {

Admission::Admission(AdmissionConfig config) : config_(std::move(config)), tokens_(config_.capacity) {}

AdmissionVerdict Admission::admit(const DecisionContext& ctx) {
  switch (config_.kind) {
    case AdmissionKind::AlwaysAdmit:
      return {true, ""};
    case AdmissionKind::RejectAll:
      return {false, "reject-all"};
    case AdmissionKind::TokenBucket: {
      // Refill by elapsed time (only forward), capped at capacity; rejections cost nothing.
      const Tick elapsed = ctx.clock - last_refill_;
      if (elapsed > 0) {
        tokens_ = std::min(config_.capacity, tokens_ + static_cast<double>(elapsed) * config_.refill_per_s / 1e6);
        last_refill_ = ctx.clock;
      }
      const auto cost = static_cast<double>(ctx.request.input_len);
      if (tokens_ >= cost) {
        tokens_ -= cost;
        return {true, ""};
      }
      return {false, "insufficient tokens"};
    }
    case AdmissionKind::External:
      return config_.external->admit(ctx);
  }
  return {true, ""};
}

}  // namespace blis::cluster
