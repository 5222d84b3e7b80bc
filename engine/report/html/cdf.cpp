#include "engine/report/html/cdf.h"

#include <algorithm>

namespace blis::report::html {

namespace {

// Takes (value, cumulative count) at the end of each run of equal values, in order, and keeps
// those where the cumulative count has crossed the next threshold, and the last.
class CdfBuilder {
 public:
  CdfBuilder(double total, double scale, size_t max_points)
      : total_(total), scale_(scale), step_(total / static_cast<double>(std::max<size_t>(1, max_points))) {}
  void add(double value, double cumulative, bool last) {
    if (points_.empty() || cumulative >= next_ || last) {
      points_.push_back({value * scale_, cumulative / total_});
      while (next_ <= cumulative) next_ += step_;
    }
  }
  std::vector<XyPoint> take() { return std::move(points_); }

 private:
  double total_, scale_, step_;
  double next_ = 0;
  std::vector<XyPoint> points_;
};

}  // namespace

std::vector<XyPoint> cdf_of_sorted(const std::vector<double>& sorted, double scale, size_t max_points, double total) {
  if (sorted.empty()) return {};
  CdfBuilder b(total > 0 ? total : static_cast<double>(sorted.size()), scale, max_points);
  for (size_t i = 0; i < sorted.size(); ++i) {
    const bool last = i + 1 == sorted.size();
    if (!last && sorted[i + 1] == sorted[i]) continue;  // the end of a run of equal values
    b.add(sorted[i], static_cast<double>(i + 1), last);
  }
  return b.take();
}

std::vector<XyPoint> cdf_of_runs(const std::vector<std::pair<int64_t, int64_t>>& runs, double scale,
                                 size_t max_points) {
  double total = 0;
  for (const auto& run : runs) total += static_cast<double>(run.second);
  if (total <= 0) return {};
  CdfBuilder b(total, scale, max_points);
  double cumulative = 0;
  for (size_t i = 0; i < runs.size(); ++i) {
    cumulative += static_cast<double>(runs[i].second);
    b.add(static_cast<double>(runs[i].first), cumulative, i + 1 == runs.size());
  }
  return b.take();
}

}  // namespace blis::report::html
