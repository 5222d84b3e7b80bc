// A measured curve y(x) over sorted, distinct sample points, read the way LLMServingSim reads its
// dense and per-sequence tables (llmservingsim/serving/core/trace_generator.py, _lookup_1d):
// exact at a measured point, linear between two, the first value below the first point, and the
// line through the last two points beyond the last one (a profile rarely covers the largest batch
// a run forms, and a straight extension tracks a kernel that is linear in its size).
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace blis::latency::profiled {

class PiecewiseLinear {
 public:
  PiecewiseLinear() = default;
  // `xs` strictly increasing, same size as `ys`, at least one point (the reader guarantees it).
  PiecewiseLinear(std::vector<double> xs, std::vector<double> ys) : xs_(std::move(xs)), ys_(std::move(ys)) {}

  double operator()(double x) const {
    const std::size_t n = xs_.size();
    if (n == 0) return 0.0;
    if (n == 1 || x <= xs_.front()) return ys_.front();
    std::size_t hi = static_cast<std::size_t>(std::upper_bound(xs_.begin(), xs_.end(), x) - xs_.begin());
    if (hi >= n) hi = n - 1;  // beyond the last point: extend the last segment
    const std::size_t lo = hi - 1;
    const double t = (x - xs_[lo]) / (xs_[hi] - xs_[lo]);
    return ys_[lo] + t * (ys_[hi] - ys_[lo]);
  }

  bool empty() const { return xs_.empty(); }
  const std::vector<double>& xs() const { return xs_; }
  const std::vector<double>& ys() const { return ys_; }

 private:
  std::vector<double> xs_, ys_;
};

}  // namespace blis::latency::profiled
