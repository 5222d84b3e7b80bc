#include "engine/workload/distribution_source.h"

#include <fmt/format.h>

#include <cmath>

#include "engine/core/error.h"

namespace blis::workload {

namespace {
constexpr int64_t kMaxTokenId = 128000;
}

DistributionSource::DistributionSource(const DistributionParams& params, core::GoRand& rng,
                                       const core::Corrections& corrections)
    : params_(params), rng_(rng), exact_mean_(corrections.legacy_iat_exact_mean) {
  if (params.prefix_tokens < 0) {
    throw Error(fmt::format("prefix length {} is negative (the reference crashes: makeslice: len out of range)",
                            params.prefix_tokens));
  }
  draw_tokens(params.prefix_tokens, prefix_);
}

void DistributionSource::draw_tokens(int64_t count, std::vector<kv::Token>& out) {
  const size_t old_size = out.size();
  out.resize(old_size + static_cast<size_t>(count));
  rng_.fill_intn(kMaxTokenId, std::span<int64_t>(out).subspan(old_size));
}

// gauss(mean, sd, min, max) of §9.3: no draw when min == max; clamp max first, then min;
// round half away from zero.
int64_t DistributionSource::sample_length(const LengthDistribution& d) {
  if (d.min == d.max) return d.min;
  double v = rng_.norm_float64() * static_cast<double>(d.stdev) + static_cast<double>(d.mean);
  if (v > static_cast<double>(d.max)) v = static_cast<double>(d.max);
  if (v < static_cast<double>(d.min)) v = static_cast<double>(d.min);
  const int64_t length = go_round_to_int64(v);
  if (length < 0) {
    throw Error(fmt::format("sampled token length {} is negative because a minimum is below 0 "
                            "(the reference crashes: makeslice: len out of range)", length));
  }
  return length;
}

// The arrival of request k (k >= 1; request 0 arrives at 0).
Tick DistributionSource::arrival_of(int64_t k) const {
  if (!exact_mean_) {
    // NOTE (cluster-workload-trace §D.1.1, NOTE 3): a constant step int64(1.0 / (rate / 1e6)),
    // truncated, so --rate 10 spaces arrivals 99999 us apart and the run drifts early.
    return wrap_add(next_arrival_, go_int64(1.0 / (params_.rate_per_second / 1e6)));
  }
  // Rounded from the exact position, not accumulated, so no error builds up: --rate 3 gives
  // 333333, 666667, 1000000.
  const double t = static_cast<double>(k) * 1e6 / params_.rate_per_second;
  return t >= 9.2e18 ? kInfiniteHorizon : static_cast<Tick>(std::llround(t));
}

bool DistributionSource::next(GeneratedRequest& out) {
  if (stopped_ || !(next_arrival_ < params_.horizon) || emitted_ >= params_.num_requests) return false;
  out.reset();
  out.id = emitted_;
  out.arrival = next_arrival_;
  out.input = prefix_;
  if (!prefix_.empty()) {
    out.sharing.group = "prefix";
    out.sharing.group_tokens = static_cast<int64_t>(prefix_.size());
  }
  draw_tokens(sample_length(params_.prompt), out.input);
  draw_tokens(sample_length(params_.output), out.output);
  // Evenly spaced arrivals, not Poisson.
  next_arrival_ = arrival_of(emitted_ + 1);
  ++emitted_;
  if (next_arrival_ > params_.horizon) stopped_ = true;
  return true;
}

}  // namespace blis::workload
