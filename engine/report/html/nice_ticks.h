// Axis ranges and tick marks at "nice" numbers (1, 2, 2.5 or 5 times a power of ten), so an
// axis reads 0, 50, 100, 150 rather than 0, 47.3, 94.6. Heckbert's rule ("Nice numbers for
// graph labels", Graphics Gems, 1990), in integers of the step so ticks do not drift.
#pragma once

#include <vector>

namespace blis::report::html {

struct AxisScale {
  double lo = 0, hi = 1;       // the axis range: from the first tick to the last
  std::vector<double> ticks;   // lo, lo + step, ..., hi (at least two)
};

// Covers [min, max] with about `target` ticks (>= 2). A single value (min == max) gets a range
// around it; non-finite input gives the range [0, 1].
AxisScale nice_scale(double min, double max, int target = 6);

}  // namespace blis::report::html
