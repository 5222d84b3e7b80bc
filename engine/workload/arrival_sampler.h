// Inter-arrival time samplers of workload specs (cluster-workload-trace §D.5): poisson, gamma
// (Marsaglia–Tsang) and weibull, with the reference's exact arithmetic order and draw order
// (each consumes the client's GoRand stream), Go's amd64 math, and "out of range ⇒ 1 tick".
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "engine/core/go_rand.h"
#include "engine/core/ticks.h"
#include "engine/simulation.h"

namespace blis::workload {

class ArrivalSampler {
 public:
  virtual ~ArrivalSampler() = default;
  // The next inter-arrival time in ticks, always >= 1.
  virtual Tick next(core::GoRand& rng) = 0;
};

// `rate_per_tick` is the client's rate in requests per tick (floored at 1e-15); `cv` absent or
// <= 0 means 1.0. Throws blis::Error for an unknown process. A gamma CV above 10 falls back to
// poisson with a warning, as the reference does.
std::unique_ptr<ArrivalSampler> make_arrival_sampler(const std::string& process, double rate_per_tick,
                                                     std::optional<double> cv, const DiagnosticSink& log);

// Gamma(k, theta) by Marsaglia–Tsang with the reference's draw order (k < 1: one Float64, then
// Gamma(k + 1) scaled by u^(1/k)). Exposed for statistical tests.
double sample_gamma(core::GoRand& rng, double k, double theta);

// The Weibull shape whose coefficient of variation is `cv` (bisection on [0.1, 100], as the
// reference; `converged` tells whether |cv(k) - target| < 0.001 was reached).
double weibull_shape_for_cv(double cv, bool& converged);

}  // namespace blis::workload
