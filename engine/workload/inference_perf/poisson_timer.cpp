#include "engine/workload/inference_perf/poisson_timer.h"

#include <cmath>

namespace blis::workload::inference_perf {

PoissonStageTimer::PoissonStageTimer(Tick start_us, double rate, int64_t count, int64_t seed)
    : start_us_(start_us), rate_(rate), count_(count), rng_(seed) {
  if (rate_ < kDirectRate) next_arrival_s_ = rng_.exp_float64() / rate_;
}

namespace {

// numpy's Poisson sampler for lam >= 10 (random_poisson_ptrs, Hoermann's transformed rejection
// with squeeze): O(1) per draw, however high the rate.
int64_t poisson_ptrs(double lam, core::GoRand& rng) {
  const double slam = std::sqrt(lam), loglam = std::log(lam);
  const double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
  const double invalpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2);
  while (true) {
    const double u = rng.float64() - 0.5, v = rng.float64();
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2 * a / us + b) * u + lam + 0.43);
    if (us >= 0.07 && v <= vr) return static_cast<int64_t>(k);
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(invalpha) - std::log(a / (us * us) + b) <= -lam + k * loglam - std::lgamma(k + 1)) {
      return static_cast<int64_t>(k);
    }
  }
}

}  // namespace

bool PoissonStageTimer::next(Tick& out) {
  if (given_ >= count_) return false;
  while (!second_ || !second_->next(out)) {
    Tick second = 0;
    int64_t c = 0;
    if (rate_ >= kDirectRate) {
      second = next_second_++;
      c = poisson_ptrs(rate_, rng_);
      if (c == 0) continue;  // the harness waits out an empty second
    } else {
      // The next second with at least one request, and its count c: the process's arrivals in
      // it (empty seconds skipped at no cost, however low the rate).
      const double s = std::floor(next_arrival_s_);
      while (next_arrival_s_ < s + 1.0) {
        ++c;
        next_arrival_s_ += rng_.exp_float64() / rate_;
      }
      second = static_cast<Tick>(s);
    }
    second_.emplace(start_us_ + second * 1'000'000, 1'000'000, c, rng_.int63());
  }
  ++given_;
  return true;
}

}  // namespace blis::workload::inference_perf
