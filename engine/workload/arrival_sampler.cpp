#include "engine/workload/arrival_sampler.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "engine/core/error.h"
#include "engine/core/go_math.h"

namespace blis::workload {

namespace {

namespace gm = core::gomath;

// int64(x), then at least 1: NaN and out-of-range values (INT64_MIN on amd64) become 1 tick.
Tick at_least_one(double x) {
  const int64_t iat = go_int64(x);
  return iat < 1 ? 1 : iat;
}

class PoissonSampler final : public ArrivalSampler {
 public:
  explicit PoissonSampler(double rate) : rate_(rate) {}
  Tick next(core::GoRand& rng) override { return at_least_one(rng.exp_float64() / rate_); }

 private:
  double rate_;
};

class GammaSampler final : public ArrivalSampler {
 public:
  GammaSampler(double k, double theta) : k_(k), theta_(theta) {}
  Tick next(core::GoRand& rng) override { return at_least_one(sample_gamma(rng, k_, theta_)); }

 private:
  double k_, theta_;
};

class WeibullSampler final : public ArrivalSampler {
 public:
  WeibullSampler(double shape, double scale) : shape_(shape), scale_(scale) {}
  Tick next(core::GoRand& rng) override {
    double u = rng.float64();
    if (u == 0) u = std::numeric_limits<double>::denorm_min();  // the smallest positive double
    return at_least_one(scale_ * gm::pow(-gm::log(u), 1.0 / shape_));
  }

 private:
  double shape_, scale_;
};

double weibull_cv(double k) {
  const double g1 = gm::gamma(1.0 + 1.0 / k);
  const double g2 = gm::gamma(1.0 + 2.0 / k);
  return std::sqrt(g2 / (g1 * g1) - 1.0);
}

}  // namespace

double sample_gamma(core::GoRand& rng, double k, double theta) {
  if (k < 1) {
    const double u = rng.float64();
    return sample_gamma(rng, k + 1.0, theta) * gm::pow(u, 1.0 / k);
  }
  const double d = k - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  while (true) {
    double x = 0, v = 0;
    do {
      x = rng.norm_float64();
      v = 1.0 + c * x;
    } while (v <= 0);
    v = (v * v) * v;
    const double u = rng.float64();
    if (u < 1.0 - (0.0331 * (x * x)) * (x * x)) return (d * v) * theta;
    if (gm::log(u) < (0.5 * x) * x + d * ((1.0 - v) + gm::log(v))) return (d * v) * theta;
  }
}

double weibull_shape_for_cv(double cv, bool& converged) {
  double lo = 0.1, hi = 100.0;
  for (int i = 0; i < 100; ++i) {
    const double mid = (lo + hi) / 2;
    const double at = weibull_cv(mid);
    if (std::fabs(at - cv) < 0.001) {
      converged = true;
      return mid;
    }
    if (at > cv) lo = mid; else hi = mid;  // the CV falls as the shape grows
  }
  converged = false;
  return (lo + hi) / 2;
}

std::unique_ptr<ArrivalSampler> make_arrival_sampler(const std::string& process, double rate_per_tick,
                                                     std::optional<double> cv_given, const DiagnosticSink& log) {
  const double rate = rate_per_tick < 1e-15 ? 1e-15 : rate_per_tick;  // NaN passes (NOTE 18)
  const double cv = cv_given && *cv_given > 0 ? *cv_given : 1.0;
  const double mean = 1.0 / rate;
  if (process == "poisson") return std::make_unique<PoissonSampler>(rate);
  if (process == "gamma") {
    const double k = 1.0 / (cv * cv);
    const double theta = (mean * cv) * cv;  // left to right, as the reference evaluates it
    if (k < 0.01) {
      log(LogLevel::Warning, fmt::format("gamma arrival CV {} gives shape {} < 0.01: using poisson arrivals",
                                         cv, k));
      return std::make_unique<PoissonSampler>(rate);
    }
    return std::make_unique<GammaSampler>(k, theta);
  }
  if (process == "weibull") {
    bool converged = false;
    const double shape = weibull_shape_for_cv(cv, converged);
    if (!converged) {
      log(LogLevel::Warning, fmt::format("weibull shape for CV {} did not converge; using {}", cv, shape));
    }
    return std::make_unique<WeibullSampler>(shape, mean / gm::gamma(1.0 + 1.0 / shape));
  }
  throw Error(fmt::format("unknown arrival process \"{}\"; valid: poisson, gamma, weibull", process));
}

}  // namespace blis::workload
