// Go 1.19 amd64 math routines, reproduced bit for bit (cluster-workload-trace §0.1).
//
// This file must be compiled with -ffp-contract=off (the project default): every a*b+c below is
// two roundings, as in the reference, except where std::fma is written out because the
// reference's FMA code path fuses that operation itself.
#include "engine/core/go_math.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace blis::core::gomath {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kPi = 3.14159265358979323846264338327950288419716939937510582097494459;

// A double with the given biased exponent field and a zero mantissa, i.e. 2^(biased - 1023).
double power_of_two_from_field(int64_t biased_exponent) {
  return std::bit_cast<double>(static_cast<uint64_t>(biased_exponent) << 52);
}

// cvtsd2si to a 32-bit register under the default rounding mode: round to nearest even, and the
// "integer indefinite" INT32_MIN when the rounded value does not fit (or for NaN).
int32_t round_to_int32_like_cvtsd2si(double v) {
  const double r = std::nearbyint(v);
  if (!(r >= -2147483648.0 && r <= 2147483647.0)) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(r);
}

// Go's int64(v) on amd64 (cvttsd2si): truncation, INT64_MIN for NaN and out-of-range values.
int64_t truncate_to_int64_like_go(double v) {
  if (!(v >= -9223372036854775808.0 && v < 9223372036854775808.0)) {
    return std::numeric_limits<int64_t>::min();
  }
  return static_cast<int64_t>(v);
}

// Go 1.19 src/math/exp_amd64.s, both run-time paths; see §0.1 for the step numbers used below.
template <bool kUseFma>
double exp_amd64(double x) {
  constexpr double kLog2e = 1.4426950408889634073599246810018920;
  constexpr double kLn2Upper = 0.69314718055966295651160180568695068359375;
  constexpr double kLn2Lower = 0.28235290563031577122588448175013436025525412068e-12;
  constexpr double kOverflow = 7.09782712893384e+02;
  constexpr double kTaylor[] = {
      2.4801587301587301587e-5,  // c8 = 1/8!
      1.9841269841269841270e-4,  // c7
      1.3888888888888888889e-3,  // c6
      8.3333333333333333333e-3,  // c5
      4.1666666666666666667e-2,  // c4
      1.6666666666666666667e-1,  // c3
      0.5,                       // c2
      1.0,                       // c1
  };

  // Step 1: non-finite inputs.
  const uint64_t magnitude_bits = std::bit_cast<uint64_t>(x) & ~(uint64_t{1} << 63);
  if (magnitude_bits >= 0x7FF0000000000000ULL) {
    if (x == -kInf) return 0.0;
    return x;  // NaN or +Inf
  }
  // Step 2.
  if (x > kOverflow) return kInf;
  // Step 3: k = round-to-nearest-even int32 of the rounded product.
  const int32_t k = round_to_int32_like_cvtsd2si(x * kLog2e);
  const double kf = static_cast<double>(k);

  // Step 4: r = (x - k·ln2) / 16, then a degree-8 Taylor polynomial for e^r - 1, squared back
  // up four times ((1+y)^2 - 1 = y·(y+2)).
  double r;
  double p = kTaylor[0];
  double y;
  if constexpr (kUseFma) {
    r = std::fma(-kf, kLn2Upper, x);
    r = std::fma(-kf, kLn2Lower, r);
    r = r * 0.0625;
    for (int i = 1; i < 8; ++i) p = std::fma(p, r, kTaylor[i]);
    y = r * p;
    for (int i = 0; i < 3; ++i) y = y * (y + 2.0);
    y = std::fma(y, y + 2.0, 1.0);  // fourth squaring fused with the final +1
  } else {
    const double hi_product = kf * kLn2Upper;
    r = x - hi_product;
    const double lo_product = kf * kLn2Lower;
    r = r - lo_product;
    r = r * 0.0625;
    for (int i = 1; i < 8; ++i) {
      const double scaled = p * r;
      p = scaled + kTaylor[i];
    }
    y = r * p;
    for (int i = 0; i < 4; ++i) y = y * (y + 2.0);
    y = y + 1.0;
  }

  // Steps 5–6: scale by 2^k. The routine saturates to +Inf once k reaches 1024 even though
  // e^x itself may still be finite (x in [~709.44, OVF]).
  const int64_t e = static_cast<int64_t>(k) + 1023;
  if (e >= 2047) return kInf;
  if (e >= 1) return y * power_of_two_from_field(e);
  if (e < -52) return 0.0;
  // Subnormal result: scale into the normal range first, then let the final multiply by
  // 2^-1022 perform the single subnormal rounding.
  return (y * power_of_two_from_field(e + 1022)) * power_of_two_from_field(1);
}

// Go's Modf for finite values: integer part toward zero and the exact remainder.
void split_integer_fraction(double v, double& integer_part, double& fraction) {
  fraction = std::modf(v, &integer_part);
}

bool is_odd_int(double v) {
  double integer_part;
  double fraction;
  split_integer_fraction(v, integer_part, fraction);
  return fraction == 0 && (truncate_to_int64_like_go(integer_part) & 1) == 1;
}

bool is_negative_int(double v) {
  if (!(v < 0)) return false;
  double integer_part;
  double fraction;
  split_integer_fraction(v, integer_part, fraction);
  return fraction == 0;
}

// Go's portable sin.go (Cephes), small-argument branch only. Gamma calls it with
// |arg| <= pi/2, far below Go's 2^29 threshold for Payne–Hanek reduction.
double sin_small_argument(double x) {
  constexpr double kPi4A = 7.85398125648498535156e-1;  // pi/4 split into three parts
  constexpr double kPi4B = 3.77489470793079817668e-8;
  constexpr double kPi4C = 2.69515142907905952645e-15;
  constexpr double kFourOverPi =
      1.27323954473516268615107010698011489627567716592365;  // exact 4/pi
  constexpr double kSin[] = {
      1.58962301576546568060e-10, -2.50507477628578072866e-8, 2.75573136213857245213e-6,
      -1.98412698295895385996e-4, 8.33333333332211858878e-3,  -1.66666666666666307295e-1,
  };
  constexpr double kCos[] = {
      -1.13585365213876817300e-11, 2.08757008419747316778e-9,  -2.75573141792967388112e-7,
      2.48015872888517045348e-5,   -1.38888888888730564116e-3, 4.16666666666665929218e-2,
  };
  if (x == 0 || std::isnan(x)) return x;
  if (std::isinf(x)) return kNaN;

  bool negate = false;
  if (x < 0) {
    x = -x;
    negate = true;
  }
  // Octant index; odd octants are moved to the next even one so z is centred on zero.
  auto octant = static_cast<uint64_t>(x * kFourOverPi);
  auto octant_f = static_cast<double>(octant);
  if ((octant & 1) == 1) {
    ++octant;
    octant_f += 1;
  }
  octant &= 7;
  const double z = ((x - octant_f * kPi4A) - octant_f * kPi4B) - octant_f * kPi4C;
  if (octant > 3) {
    negate = !negate;
    octant -= 4;
  }
  const double zz = z * z;
  double result;
  if (octant == 1 || octant == 2) {
    const double poly =
        (((((kCos[0] * zz) + kCos[1]) * zz + kCos[2]) * zz + kCos[3]) * zz + kCos[4]) * zz +
        kCos[5];
    result = 1.0 - 0.5 * zz + zz * zz * poly;
  } else {
    const double poly =
        (((((kSin[0] * zz) + kSin[1]) * zz + kSin[2]) * zz + kSin[3]) * zz + kSin[4]) * zz +
        kSin[5];
    result = z + z * zz * poly;
  }
  return negate ? -result : result;
}

// Stirling's formula from gamma.go, returned as two factors whose product is Gamma(x); keeping
// them apart lets the reflection branch avoid a spurious overflow.
struct StirlingFactors {
  double first;
  double second;
};

StirlingFactors stirling(double x) {
  if (x > 200) return {kInf, 1};
  constexpr double kSqrtTwoPi = 2.506628274631000502417;
  constexpr double kMaxStirling = 143.01608;
  constexpr double kS[] = {
      7.87311395793093628397e-04, -2.29549961613378126380e-04, -2.68132617805781232825e-03,
      3.47222221605458667310e-03, 8.33333333333482257126e-02,
  };
  double w = 1 / x;
  w = 1 + w * ((((kS[0] * w + kS[1]) * w + kS[2]) * w + kS[3]) * w + kS[4]);
  double y1 = exp(x);
  double y2 = 1.0;
  if (x > kMaxStirling) {  // split x^(x-0.5) in two halves so pow does not overflow
    const double v = pow(x, 0.5 * x - 0.25);
    y2 = v / y1;
    y1 = v;
  } else {
    y1 = pow(x, x - 0.5) / y1;
  }
  return {y1, kSqrtTwoPi * w * y2};
}

}  // namespace

double exp(double x) { return exp_amd64<true>(x); }

double exp_plain(double x) { return exp_amd64<false>(x); }

// Go's portable log.go (FreeBSD e_log.c): x = 2^k·(1+f) with sqrt(2)/2 < 1+f < sqrt(2), then a
// minimax polynomial in s = f/(2+f).
double log(double x) {
  constexpr double kLn2Hi = 6.93147180369123816490e-01;
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  constexpr double kL1 = 6.666666666666735130e-01;
  constexpr double kL2 = 3.999999999940941908e-01;
  constexpr double kL3 = 2.857142874366239149e-01;
  constexpr double kL4 = 2.222219843214978396e-01;
  constexpr double kL5 = 1.818357216161805012e-01;
  constexpr double kL6 = 1.531383769920937332e-01;
  constexpr double kL7 = 1.479819860511658591e-01;
  constexpr double kHalfSqrt2 = 0.70710678118654752440084436210484903928483593768847;

  if (std::isnan(x) || x == kInf) return x;
  if (x < 0) return kNaN;
  if (x == 0) return -kInf;

  int exponent;
  double mantissa = std::frexp(x, &exponent);  // exact, like Go's Frexp (subnormals included)
  if (mantissa < kHalfSqrt2) {
    mantissa *= 2;
    --exponent;
  }
  const double f = mantissa - 1;
  const double k = static_cast<double>(exponent);

  const double s = f / (2 + f);
  const double s2 = s * s;
  const double s4 = s2 * s2;
  const double t1 = s2 * (kL1 + s4 * (kL3 + s4 * (kL5 + s4 * kL7)));
  const double t2 = s4 * (kL2 + s4 * (kL4 + s4 * kL6));
  const double big_r = t1 + t2;
  const double hfsq = 0.5 * f * f;
  return k * kLn2Hi - ((hfsq - (s * (hfsq + big_r) + k * kLn2Lo)) - f);
}

// Go 1.19's portable pow.go (amd64 has no assembly Pow): special cases in Go's order, then
// x^y = x^yf · x^yi with the fractional part through exp(yf·log(x)) and the integer part by
// repeated squaring, binary exponents accumulated separately and applied once at the end.
double pow(double x, double y) {
  if (y == 0 || x == 1) return 1;
  if (y == 1) return x;
  if (std::isnan(x) || std::isnan(y)) return kNaN;
  if (x == 0) {
    if (y < 0) return is_odd_int(y) ? std::copysign(kInf, x) : kInf;
    if (y > 0) return is_odd_int(y) ? x : 0;
  } else if (std::isinf(y)) {
    if (x == -1) return 1;
    if ((std::fabs(x) < 1) == (y > 0)) return 0;
    return kInf;
  } else if (std::isinf(x)) {
    if (x < 0) return pow(1 / x, -y);  // (-Inf)^y == (-0)^(-y)
    if (y < 0) return 0;
    if (y > 0) return kInf;
  } else if (y == 0.5) {
    return std::sqrt(x);
  } else if (y == -0.5) {
    return 1 / std::sqrt(x);
  }

  double yi;
  double yf;
  split_integer_fraction(std::fabs(y), yi, yf);
  if (yf != 0 && x < 0) return kNaN;
  if (yi >= 9223372036854775808.0) {  // 2^63: a huge even integer; the result saturates
    if (x == -1) return 1;
    if ((std::fabs(x) < 1) == (y > 0)) return 0;
    return kInf;
  }

  // Result = a1 · 2^ae.
  double a1 = 1.0;
  int64_t ae = 0;

  if (yf != 0) {
    if (yf > 0.5) {  // keep |yf| <= 0.5 for accuracy
      yf -= 1;
      yi += 1;
    }
    a1 = exp(yf * log(x));
  }

  int x_exponent;
  double x1 = std::frexp(x, &x_exponent);
  int64_t xe = x_exponent;
  for (int64_t i = static_cast<int64_t>(yi); i != 0; i >>= 1) {
    if (xe < -(int64_t{1} << 12) || (int64_t{1} << 12) < xe) {
      // The exponent is already far outside the double range and i still has a set bit, so the
      // final ldexp over/underflows regardless; stop before the shifts below overflow.
      ae += xe;
      break;
    }
    if ((i & 1) == 1) {
      a1 *= x1;
      ae += xe;
    }
    x1 *= x1;
    xe <<= 1;
    if (x1 < 0.5) {
      x1 += x1;
      --xe;
    }
  }

  // Negative y: invert the mantissa part and negate the binary exponent, then scale once.
  if (y < 0) {
    a1 = 1 / a1;
    ae = -ae;
  }
  // Go's Ldexp and std::ldexp are both the correctly rounded a1·2^ae (subnormals included);
  // |ae| stays far below INT_MAX because the loop above stops once |xe| > 2^12.
  return std::ldexp(a1, static_cast<int>(ae));
}

// Go's portable gamma.go (Cephes): Stirling for |x| > 33 (with reflection for negative x),
// otherwise recurrence into [2, 3) and a rational approximation there.
double gamma(double x) {
  constexpr double kEuler = 0.57721566490153286060651209008240243104215933593992;
  constexpr double kP[] = {
      1.60119522476751861407e-04, 1.19135147006586384913e-03, 1.04213797561761569935e-02,
      4.76367800457137231464e-02, 2.07448227648435975150e-01, 4.94214826801497100753e-01,
      9.99999999999999996796e-01,
  };
  constexpr double kQ[] = {
      -2.31581873324120129819e-05, 5.39605580493303397842e-04, -4.45641913851797240494e-03,
      1.18139785222060435552e-02,  3.58236398605498653373e-02, -2.34591795718243348568e-01,
      7.14304917030273074085e-02,  1.00000000000000000320e+00,
  };

  if (is_negative_int(x) || x == -kInf || std::isnan(x)) return kNaN;
  if (x == kInf) return kInf;
  if (x == 0) return std::signbit(x) ? -kInf : kInf;

  double q = std::fabs(x);
  double p = std::floor(q);
  if (q > 33) {
    if (x >= 0) {
      const StirlingFactors s = stirling(x);
      return s.first * s.second;
    }
    // Reflection: Gamma(x) = -pi / (x sin(pi x) Gamma(-x)). x is not an integer here, so
    // |x| < 2^52 and the int64 conversion is exact.
    int sign = 1;
    if ((static_cast<int64_t>(p) & 1) == 0) sign = -1;
    double z = q - p;
    if (z > 0.5) {
      p = p + 1;
      z = q - p;
    }
    z = q * sin_small_argument(kPi * z);
    if (z == 0) return sign > 0 ? kInf : -kInf;
    const StirlingFactors s = stirling(q);
    const double abs_z = std::fabs(z);
    const double d = abs_z * s.first * s.second;
    if (std::isinf(d)) {
      z = kPi / abs_z / s.first / s.second;
    } else {
      z = kPi / d;
    }
    return static_cast<double>(sign) * z;
  }

  // Shift x into [2, 3), accumulating the factors in z; tiny |x| goes to the series near 0.
  double z = 1.0;
  while (x >= 3) {
    x = x - 1;
    z = z * x;
  }
  bool near_zero = false;
  while (x < 0) {
    if (x > -1e-09) {
      near_zero = true;
      break;
    }
    z = z / x;
    x = x + 1;
  }
  if (!near_zero) {
    while (x < 2) {
      if (x < 1e-09) {
        near_zero = true;
        break;
      }
      z = z / x;
      x = x + 1;
    }
  }
  if (near_zero) {
    if (x == 0) return kInf;
    return z / ((1 + kEuler * x) * x);
  }

  if (x == 2) return z;

  x = x - 2;
  p = (((((x * kP[0] + kP[1]) * x + kP[2]) * x + kP[3]) * x + kP[4]) * x + kP[5]) * x + kP[6];
  q = ((((((x * kQ[0] + kQ[1]) * x + kQ[2]) * x + kQ[3]) * x + kQ[4]) * x + kQ[5]) * x + kQ[6]) *
          x +
      kQ[7];
  return z * p / q;
}

}  // namespace blis::core::gomath
