#include "engine/compare/paired_stats.h"

#include <array>
#include <cmath>

namespace blis::compare {

namespace {

// Two-sided 95% t quantiles for 1..30 degrees of freedom (any statistics table).
constexpr std::array<double, 30> kT975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                          2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                          2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};

double mean_of(std::span<const double> v) {
  double sum = 0;
  for (double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}

}  // namespace

double student_t975(int df) {
  if (df < 1) df = 1;
  if (df <= 30) return kT975[static_cast<size_t>(df - 1)];
  // Beyond the table, the Cornish-Fisher expansion around the normal quantile: within 1e-4 of
  // the exact value for df > 30 (df 40: 2.0211, 60: 2.0003, 120: 1.9799).
  const double z = 1.959963984540054;
  const double d = static_cast<double>(df);
  const double z3 = z * z * z, z5 = z3 * z * z;
  return z + (z3 + z) / (4 * d) + (5 * z5 + 16 * z3 + 3 * z) / (96 * d * d);
}

MeanInterval mean_interval(std::span<const double> values) {
  MeanInterval out;
  out.n = static_cast<int>(values.size());
  if (values.empty()) return out;
  out.mean = out.low = out.high = mean_of(values);
  if (values.size() == 1) return out;
  double ss = 0;
  for (double x : values) ss += (x - out.mean) * (x - out.mean);
  const double n = static_cast<double>(values.size());
  const double half = student_t975(out.n - 1) * std::sqrt(ss / (n - 1)) / std::sqrt(n);
  out.low = out.mean - half;
  out.high = out.mean + half;
  return out;
}

RatioInterval paired_ratio(std::span<const double> a, std::span<const double> b) {
  RatioInterval out;
  if (a.empty() || a.size() != b.size()) return out;
  const double ma = mean_of(a), mb = mean_of(b);
  if (ma == 0) return out;
  out.defined = true;
  out.ratio = out.low = out.high = mb / ma;
  if (a.size() == 1) return out;
  double ss = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double residual = b[i] - out.ratio * a[i];
    ss += residual * residual;
  }
  const double n = static_cast<double>(a.size());
  const double se = std::sqrt(ss / (n - 1)) / (std::sqrt(n) * std::fabs(ma));
  const double half = student_t975(static_cast<int>(a.size()) - 1) * se;
  out.low = out.ratio - half;
  out.high = out.ratio + half;
  return out;
}

}  // namespace blis::compare
