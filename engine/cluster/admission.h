// Admission policies (cluster-workload-trace §B.1): always-admit, reject-all, token-bucket, or an
// external rule (a Lua function). Decides once per request at its AdmissionDecision event.
#pragma once

#include <memory>
#include <string>

#include "engine/cluster/policy_hooks.h"

namespace blis::cluster {

enum class AdmissionKind { AlwaysAdmit, RejectAll, TokenBucket, External };

struct AdmissionConfig {
  AdmissionKind kind = AdmissionKind::AlwaysAdmit;
  double capacity = 10000;      // token bucket: tokens
  double refill_per_s = 1000;   // token bucket: tokens per second
  std::shared_ptr<ExternalAdmission> external;
};

class Admission {
 public:
  explicit Admission(AdmissionConfig config);
  // Admit(req, state). Throws blis::Error when an external rule fails.
  AdmissionVerdict admit(const DecisionContext& ctx);

 private:
  AdmissionConfig config_;
  double tokens_;          // the bucket starts full
  Tick last_refill_ = 0;
};

}  // namespace blis::cluster
