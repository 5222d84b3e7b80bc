#include "engine/metrics/statistics.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace blis::metrics {

namespace {

struct Ranks {
  size_t lo, hi;
  double frac;
};

Ranks ranks_of(size_t n, double p) {
  const double rank = p / 100.0 * static_cast<double>(n - 1);
  const auto lo = static_cast<size_t>(std::floor(rank));
  const auto hi = static_cast<size_t>(std::ceil(rank));
  return {lo, std::min(hi, n - 1), rank - static_cast<double>(lo)};
}

// The element at position `rank` of the sorted multiset.
Tick value_at(const std::vector<std::pair<Tick, int64_t>>& runs, size_t rank) {
  size_t seen = 0;
  for (const auto& [value, count] : runs) {
    seen += static_cast<size_t>(count);
    if (rank < seen) return value;
  }
  return runs.back().first;
}

}  // namespace

double percentile_ms(const std::vector<double>& sorted, double p) {
  const size_t n = sorted.size();
  if (n == 0) return 0;
  const Ranks r = ranks_of(n, p);
  if (r.lo == r.hi) return sorted[r.lo] / 1000;
  return sorted[r.lo] / 1000 + (sorted[r.hi] - sorted[r.lo]) * r.frac / 1000;
}

double mean_ms(const std::vector<double>& sorted) {
  if (sorted.empty()) return 0;
  double sum = 0;
  for (double v : sorted) sum += v;
  return (sum / static_cast<double>(sorted.size())) / 1000;
}

double percentile_ms(const TickHistogram& values, double p) {
  const auto n = static_cast<size_t>(values.size());
  if (n == 0) return 0;
  const auto runs = values.sorted_runs();
  const Ranks r = ranks_of(n, p);
  const Tick lo = value_at(runs, r.lo);
  if (r.lo == r.hi) return static_cast<double>(lo) / 1000;
  const Tick hi = value_at(runs, r.hi);
  return static_cast<double>(lo) / 1000 + static_cast<double>(hi - lo) * r.frac / 1000;
}

double mean_ms(const TickHistogram& values) {
  if (values.size() == 0) return 0;
  const auto runs = values.sorted_runs();
  // The reference adds the values one by one as float64 in ascending order. While every
  // partial sum stays below 2^53 that equals the exact integer sum, computed per run here.
  __int128 exact = 0, magnitude = 0;
  for (const auto& [value, count] : runs) {
    exact += static_cast<__int128>(value) * count;
    magnitude += static_cast<__int128>(std::llabs(value)) * count;
  }
  double sum = 0;
  if (magnitude < (static_cast<__int128>(1) << 53)) {
    sum = static_cast<double>(static_cast<int64_t>(exact));
  } else {
    for (const auto& [value, count] : runs) {
      for (int64_t i = 0; i < count; ++i) sum += static_cast<double>(value);
    }
  }
  return (sum / static_cast<double>(values.size())) / 1000;
}

Distribution distribution_of(std::vector<double> values) {
  Distribution d;
  if (values.empty()) return d;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  double sum = 0;
  for (double v : values) sum += v;
  d.mean = sum / static_cast<double>(n);
  d.min = values.front();
  d.max = values.back();
  d.count = static_cast<int64_t>(n);
  auto pct = [&](double p) {
    if (n == 1) return values[0];
    const Ranks r = ranks_of(n, p);
    if (r.lo == r.hi) return values[r.lo];
    return values[r.lo] + r.frac * (values[r.hi] - values[r.lo]);
  };
  d.p50 = pct(50);
  d.p95 = pct(95);
  d.p99 = pct(99);
  return d;
}

}  // namespace blis::metrics
