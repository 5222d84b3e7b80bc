// gomath:: ports of Go 1.19 amd64 math.Exp / Log / Pow / Gamma (cluster-workload-trace §0.1).
// Exact checks where the algorithm is exact (or the spec pins the result); elsewhere the ports
// are compared against libm within an ulp bound, which catches any slip in a constant or in
// the order of operations without claiming libm's bits.
#include <doctest/doctest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "engine/core/go_math.h"
#include "engine/core/go_rand.h"

namespace gomath = blis::core::gomath;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Distance in representable doubles (both finite, same sign or zero).
int64_t ulp_distance(double a, double b) {
  const auto ordered = [](double v) {
    const auto bits = std::bit_cast<int64_t>(v);
    return bits < 0 ? INT64_MIN - bits : bits;
  };
  const int64_t d = ordered(a) - ordered(b);
  return d < 0 ? -d : d;
}

}  // namespace

TEST_CASE("gomath::exp: exact values and specials") {
  for (const auto fn : {&gomath::exp, &gomath::exp_plain}) {
    CHECK(fn(0.0) == 1.0);
    CHECK(fn(-0.0) == 1.0);
    CHECK(fn(1.0) == 2.718281828459045);
    CHECK(fn(-kInf) == 0.0);
    CHECK(fn(kInf) == kInf);
    CHECK(std::isnan(fn(std::numeric_limits<double>::quiet_NaN())));
    CHECK(fn(710.0) == kInf);  // above OVF
    CHECK(fn(709.5) == kInf);  // k rounds to 1024: e = 2047 saturates (§0.1 step 5)
    CHECK(fn(709.44) == kInf);
    CHECK(std::isfinite(fn(709.4)));
    CHECK(fn(709.4) > 1e308);
    CHECK(fn(-750.0) == 0.0);  // e < -52
    CHECK(fn(-1e300) == 0.0);  // k out of int32 range -> INT32_MIN -> +0
    CHECK(fn(-740.0) > 0.0);   // subnormal result path
    CHECK(fn(-740.0) < std::numeric_limits<double>::min());
  }
}

TEST_CASE("gomath::exp: both paths within 2 ulp of libm, and they differ sometimes") {
  // The assembly routine is a short Taylor series plus four squarings, not a correctly rounded
  // exp: on [-700, 700] both paths are at most 2 ulp from glibc and from each other (measured
  // over 2 M arguments, ~9 % of which differ between the paths).
  blis::core::GoRand r(123);
  constexpr int kSamples = 200000;
  int differing = 0;
  int64_t worst_fma = 0;
  int64_t worst_plain = 0;
  int64_t worst_between = 0;
  for (int k = 0; k < kSamples; ++k) {
    const double x = (r.float64() - 0.5) * 1400.0;  // [-700, 700]: normal results
    const double fma_path = gomath::exp(x);
    const double plain_path = gomath::exp_plain(x);
    const double libm = std::exp(x);
    worst_fma = std::max(worst_fma, ulp_distance(fma_path, libm));
    worst_plain = std::max(worst_plain, ulp_distance(plain_path, libm));
    worst_between = std::max(worst_between, ulp_distance(fma_path, plain_path));
    if (fma_path != plain_path) ++differing;
  }
  CHECK(worst_fma <= 2);
  CHECK(worst_plain <= 2);
  CHECK(worst_between <= 2);
  // The two code paths are genuinely different roundings of the same series. If this finds no
  // difference, the compiler has fused the plain path (a build without -ffp-contract=off on an
  // FMA-capable target), which would also break the reference's non-fused arithmetic elsewhere.
  CHECK(differing > kSamples / 50);
  CHECK(differing < kSamples / 5);

  int64_t worst_subnormal = 0;
  for (int k = 0; k < 20000; ++k) {
    const double x = -708.0 - r.float64() * 37.0;  // subnormal and underflow region
    const double libm = std::exp(x);
    worst_subnormal = std::max(worst_subnormal, ulp_distance(gomath::exp(x), libm));
    worst_subnormal = std::max(worst_subnormal, ulp_distance(gomath::exp_plain(x), libm));
  }
  CHECK(worst_subnormal <= 2);
}

TEST_CASE("gomath::log: exact values, specials and accuracy") {
  CHECK(gomath::log(1.0) == 0.0);
  CHECK(gomath::log(2.718281828459045) == 1.0);
  CHECK(gomath::log(2.0) == 0.6931471805599453);
  CHECK(gomath::log(kInf) == kInf);
  CHECK(gomath::log(0.0) == -kInf);
  CHECK(gomath::log(-0.0) == -kInf);
  CHECK(std::isnan(gomath::log(-1.0)));
  CHECK(std::isnan(gomath::log(-kInf)));
  CHECK(std::isnan(gomath::log(std::numeric_limits<double>::quiet_NaN())));
  CHECK(gomath::log(std::numeric_limits<double>::denorm_min()) ==
        std::log(std::numeric_limits<double>::denorm_min()));

  // log.go is documented to be within 1 ulp; glibc's log is correctly rounded.
  blis::core::GoRand r(5);
  int64_t worst = 0;
  for (int k = 0; k < 200000; ++k) {
    const double x = r.float64();  // what the samplers feed it: [0, 1)
    if (x != 0.0) worst = std::max(worst, ulp_distance(gomath::log(x), std::log(x)));
    const double wide = std::ldexp(1.0 + r.float64(), static_cast<int>(r.intn(2098)) - 1074);
    worst = std::max(worst, ulp_distance(gomath::log(wide), std::log(wide)));
  }
  CHECK(worst <= 1);
}

TEST_CASE("gomath::pow: exact cases and Go's special-case order") {
  CHECK(gomath::pow(2.0, 10.0) == 1024.0);
  CHECK(gomath::pow(-2.0, 3.0) == -8.0);
  CHECK(gomath::pow(3.0, -2.0) == 1.0 / 9.0);
  CHECK(gomath::pow(10.0, 0.0) == 1.0);
  CHECK(gomath::pow(std::numeric_limits<double>::quiet_NaN(), 0.0) == 1.0);
  CHECK(gomath::pow(1.0, std::numeric_limits<double>::quiet_NaN()) == 1.0);
  CHECK(gomath::pow(7.25, 1.0) == 7.25);
  CHECK(std::isnan(gomath::pow(2.0, std::numeric_limits<double>::quiet_NaN())));
  CHECK(std::isnan(gomath::pow(-8.0, 1.0 / 3.0)));

  CHECK(gomath::pow(0.0, -1.0) == kInf);
  CHECK(gomath::pow(-0.0, -1.0) == -kInf);
  CHECK(gomath::pow(-0.0, -2.0) == kInf);
  CHECK(std::signbit(gomath::pow(-0.0, 3.0)));
  CHECK(gomath::pow(-0.0, 2.0) == 0.0);
  CHECK(!std::signbit(gomath::pow(-0.0, 2.5)));
  CHECK(gomath::pow(-1.0, kInf) == 1.0);
  CHECK(gomath::pow(0.5, kInf) == 0.0);
  CHECK(gomath::pow(0.5, -kInf) == kInf);
  CHECK(gomath::pow(2.0, -kInf) == 0.0);
  CHECK(gomath::pow(kInf, -1.0) == 0.0);
  CHECK(gomath::pow(kInf, 0.5) == kInf);
  CHECK(gomath::pow(-kInf, 3.0) == -kInf);
  CHECK(gomath::pow(-kInf, -3.0) == 0.0);
  CHECK(std::signbit(gomath::pow(-kInf, -3.0)));
  CHECK(gomath::pow(2.0, 1e19) == kInf);  // |y| >= 2^63 saturates
  CHECK(gomath::pow(0.5, 1e19) == 0.0);
  CHECK(gomath::pow(-1.0, 1e19) == 1.0);
  CHECK(gomath::pow(2.0, 1024.0) == kInf);
  CHECK(gomath::pow(2.0, -1074.0) == std::numeric_limits<double>::denorm_min());
  CHECK(gomath::pow(2.0, -1080.0) == 0.0);

  blis::core::GoRand r(17);
  int mismatches = 0;
  for (int k = 0; k < 10000; ++k) {
    const double x = 1e-3 + r.float64() * 1e3;
    if (gomath::pow(x, 0.5) != std::sqrt(x)) ++mismatches;
    if (gomath::pow(x, -0.5) != 1.0 / std::sqrt(x)) ++mismatches;
  }
  CHECK(mismatches == 0);
}

TEST_CASE("gomath::pow: close to libm over the sampler ranges") {
  // Go's pow accumulates a few ulps through its repeated squaring; 1e-13 relative is loose
  // enough for that and tight enough to catch a wrong constant or operation order.
  blis::core::GoRand r(99);
  double worst_relative = 0;
  for (int k = 0; k < 100000; ++k) {
    const double x = r.float64() * 100.0 + 1e-9;
    const double y = (r.float64() - 0.5) * 20.0;
    const double want = std::pow(x, y);
    if (want == 0.0 || !std::isfinite(want)) continue;
    worst_relative = std::max(worst_relative, std::fabs(gomath::pow(x, y) - want) / want);
  }
  CHECK(worst_relative < 1e-13);
}

TEST_CASE("gomath::gamma: exact values, specials and accuracy") {
  CHECK(gomath::gamma(1.0) == 1.0);
  CHECK(gomath::gamma(2.0) == 1.0);
  CHECK(gomath::gamma(3.0) == 2.0);
  CHECK(gomath::gamma(5.0) == 24.0);
  CHECK(gomath::gamma(11.0) == 3628800.0);
  CHECK(ulp_distance(gomath::gamma(0.5), std::sqrt(M_PI)) <= 1);
  CHECK(ulp_distance(gomath::gamma(1.5), std::sqrt(M_PI) / 2) <= 2);

  CHECK(gomath::gamma(0.0) == kInf);
  CHECK(gomath::gamma(-0.0) == -kInf);
  CHECK(gomath::gamma(kInf) == kInf);
  CHECK(std::isnan(gomath::gamma(-kInf)));
  CHECK(std::isnan(gomath::gamma(-1.0)));
  CHECK(std::isnan(gomath::gamma(-40.0)));
  CHECK(std::isnan(gomath::gamma(std::numeric_limits<double>::quiet_NaN())));
  CHECK(gomath::gamma(172.0) == kInf);
  CHECK(gomath::gamma(1e-10) == doctest::Approx(1e10).epsilon(1e-9));

  // Weibull uses Gamma(1 + 1/k) and Gamma(1 + 2/k); spot-check the small and Stirling ranges,
  // and the reflection branch for x < -33.
  for (const double x : {1.05,   1.2,   1.5,   1.8,  2.5,  3.7,   9.99,  20.5,   33.5,   50.25,
                         120.75, 150.5, 170.5, -0.5, -2.5, -10.3, -33.5, -40.25, -100.5, -170.25}) {
    CAPTURE(x);
    CHECK(gomath::gamma(x) == doctest::Approx(std::tgamma(x)).epsilon(1e-13));
  }
}
