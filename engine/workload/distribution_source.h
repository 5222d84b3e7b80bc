// The reference's "distribution" generator, also used by the presets (engine-core §9.3):
// constant inter-arrival time int64(1/(rate/1e6)), Gaussian lengths clamped to [min, max],
// token ids drawn uniformly from [0, 128000). Corrected (legacy_iat_exact_mean): request k
// arrives at round(k * 1e6 / rate), so the mean spacing is exactly 1e6 / rate.
#pragma once

#include "engine/core/corrections.h"
#include "engine/core/go_rand.h"
#include "engine/workload/request_source.h"

namespace blis::workload {

struct LengthDistribution {
  int64_t mean = 0, stdev = 0, min = 0, max = 0;
};

struct DistributionParams {
  double rate_per_second = 1.0;
  int64_t num_requests = 100;
  int64_t prefix_tokens = 0;
  LengthDistribution prompt, output;
  Tick horizon = kInfiniteHorizon;
};

class DistributionSource final : public RequestSource {
 public:
  // Draws the shared prefix immediately (it comes first in the stream).
  DistributionSource(const DistributionParams& params, core::GoRand& rng, const core::Corrections& corrections);
  bool next(GeneratedRequest& out) override;

 private:
  int64_t sample_length(const LengthDistribution& d);
  void draw_tokens(int64_t count, std::vector<kv::Token>& out);
  Tick arrival_of(int64_t k) const;

  DistributionParams params_;
  core::GoRand& rng_;
  bool exact_mean_;
  std::vector<kv::Token> prefix_;
  Tick next_arrival_ = 0;
  int64_t emitted_ = 0;
  bool stopped_ = false;
};

}  // namespace blis::workload
