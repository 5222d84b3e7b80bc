// The statistics of `blis compare` (docs/compare.md): each scenario runs with the same seeds, so
// the two samples are paired seed by seed. A mean gets a Student t interval across seeds; the
// ratio B/A of two means gets the interval of the ratio estimator, whose variance comes from the
// per-seed residuals b_i - r a_i: pairing cancels the noise both sides share (the same arrivals
// and token counts), so a real difference shows with fewer seeds than two independent samples
// would need.
#pragma once

#include <span>

namespace blis::compare {

// The two-sided 95% quantile of Student's t with `df` degrees of freedom (df >= 1).
double student_t975(int df);

struct MeanInterval {
  double mean = 0, low = 0, high = 0;
  int n = 0;  // values; with n == 1 the interval is the single value
};
MeanInterval mean_interval(std::span<const double> values);

struct RatioInterval {
  bool defined = false;  // false when A's mean is 0 (no ratio), or the samples differ in size
  double ratio = 0, low = 0, high = 0;
};
// B/A from paired samples a[i], b[i] (the same seed), with a 95% delta-method interval.
RatioInterval paired_ratio(std::span<const double> a, std::span<const double> b);

}  // namespace blis::compare
