#include "engine/report/html/nice_ticks.h"

#include <algorithm>
#include <cmath>

namespace blis::report::html {

namespace {

// The nice number nearest `x` (round) or at least `x` (ceiling).
double nice_number(double x, bool round) {
  const double exponent = std::floor(std::log10(x));
  const double power = std::pow(10.0, exponent);
  const double fraction = x / power;
  double nice = 10;
  if (round) {
    nice = fraction < 1.5 ? 1 : fraction < 2.25 ? 2 : fraction < 3.5 ? 2.5 : fraction < 7.5 ? 5 : 10;
  } else {
    nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
  }
  return nice * power;
}

}  // namespace

AxisScale nice_scale(double min, double max, int target) {
  AxisScale scale;
  if (!std::isfinite(min) || !std::isfinite(max)) {
    min = 0;
    max = 1;
  }
  if (min > max) std::swap(min, max);
  if (min == max) {
    const double pad = min == 0 ? 1 : std::fabs(min) * 0.1;
    min -= pad;
    max += pad;
  }
  target = std::max(2, target);
  const double range = nice_number(max - min, false);
  const double step = nice_number(range / (target - 1), true);
  const double first = std::floor(min / step);
  const double last = std::ceil(max / step);
  for (double k = first; k <= last + 0.5; k += 1) {
    const double v = k * step;
    scale.ticks.push_back(v == 0 ? 0.0 : v);  // no "-0"
  }
  scale.lo = scale.ticks.front();
  scale.hi = scale.ticks.back();
  return scale;
}

}  // namespace blis::report::html
