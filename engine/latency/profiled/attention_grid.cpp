#include "engine/latency/profiled/attention_grid.h"

#include <algorithm>
#include <fmt/format.h>
#include <limits>
#include <map>
#include <tuple>

#include "engine/core/error.h"

namespace blis::latency::profiled {

Bracket bracket(const std::vector<double>& axis, double x) {
  const std::size_t n = axis.size();
  if (n <= 1 || x <= axis.front()) return {0, 0, 0.0};
  std::size_t hi = static_cast<std::size_t>(std::upper_bound(axis.begin(), axis.end(), x) - axis.begin());
  if (hi >= n) hi = n - 1;
  const std::size_t lo = hi - 1;
  return {lo, hi, (x - axis[lo]) / (axis[hi] - axis[lo])};
}

namespace {

std::size_t index_of(const std::vector<double>& axis, double v) {
  return static_cast<std::size_t>(std::lower_bound(axis.begin(), axis.end(), v) - axis.begin());
}

}  // namespace

AttentionGrid::AttentionGrid(const CsvTable& table) {
  // (pc, nd) -> kp -> kd -> time; ordered maps give the sorted axes directly.
  std::map<std::pair<double, double>, std::map<double, std::map<double, double>>> grouped;
  std::map<std::tuple<double, double, double, double>, int> seen;
  for (const CsvRow& r : table.rows) {
    const double pc = r.values[0], kp = r.values[1], nd = r.values[2], kd = r.values[3];
    const auto [it, fresh] = seen.emplace(std::make_tuple(pc, kp, nd, kd), r.line);
    if (!fresh) {
      throw Error(fmt::format("{}:{}:1: grid point ({}, {}, {}, {}) is measured twice (also on line {})", table.path,
                              r.line, pc, kp, nd, kd, it->second));
    }
    grouped[{pc, nd}][kp][kd] = r.values[4];
  }
  for (const auto& [key, by_kp] : grouped) {
    pc_axis_.push_back(key.first);
    nd_axis_.push_back(key.second);
  }
  std::sort(pc_axis_.begin(), pc_axis_.end());
  pc_axis_.erase(std::unique(pc_axis_.begin(), pc_axis_.end()), pc_axis_.end());
  std::sort(nd_axis_.begin(), nd_axis_.end());
  nd_axis_.erase(std::unique(nd_axis_.begin(), nd_axis_.end()), nd_axis_.end());

  std::vector<std::pair<double, double>> measured;
  std::vector<std::size_t> dense_index(pc_axis_.size() * nd_axis_.size(), std::numeric_limits<std::size_t>::max());
  for (const auto& [key, by_kp] : grouped) {
    Slice s;
    for (const auto& [kp, by_kd] : by_kp) {
      std::vector<double> xs, ys;
      for (const auto& [kd, t] : by_kd) {
        xs.push_back(kd);
        ys.push_back(t);
      }
      s.kv_prefill.push_back(kp);
      s.by_kv_decode.emplace_back(std::move(xs), std::move(ys));
    }
    dense_index[index_of(pc_axis_, key.first) * nd_axis_.size() + index_of(nd_axis_, key.second)] = slices_.size();
    measured.push_back(key);
    slices_.push_back(std::move(s));
  }
  // Unmeasured (pc, nd) corners: the nearest measured pair by squared distance in raw units,
  // first in (pc, nd) order on a tie, resolved once here rather than per lookup.
  slice_of_ = dense_index;
  for (std::size_t i = 0; i < pc_axis_.size(); ++i) {
    for (std::size_t j = 0; j < nd_axis_.size(); ++j) {
      std::size_t& slot = slice_of_[i * nd_axis_.size() + j];
      if (slot != std::numeric_limits<std::size_t>::max()) continue;
      double best = std::numeric_limits<double>::infinity();
      for (std::size_t k = 0; k < measured.size(); ++k) {
        const double dp = measured[k].first - pc_axis_[i], dn = measured[k].second - nd_axis_[j];
        const double d = dp * dp + dn * dn;
        if (d < best) {
          best = d;
          slot = k;
        }
      }
    }
  }
}

double AttentionGrid::slice_time(std::size_t i_pc, std::size_t i_nd, double kv_prefill, double kv_decode) const {
  const Slice& s = slices_[slice_of_[i_pc * nd_axis_.size() + i_nd]];
  const Bracket b = bracket(s.kv_prefill, kv_prefill);
  const double lo = s.by_kv_decode[b.lo](kv_decode);
  if (b.lo == b.hi) return lo;
  const double hi = s.by_kv_decode[b.hi](kv_decode);
  return lo + b.t * (hi - lo);
}

double AttentionGrid::time_us(double prefill_chunk, double kv_prefill, double n_decode, double kv_decode) const {
  const Bracket p = bracket(pc_axis_, prefill_chunk);
  const Bracket d = bracket(nd_axis_, n_decode);
  const double c00 = slice_time(p.lo, d.lo, kv_prefill, kv_decode);
  const double c01 = d.hi == d.lo ? c00 : slice_time(p.lo, d.hi, kv_prefill, kv_decode);
  const double v0 = c00 + d.t * (c01 - c00);
  if (p.hi == p.lo) return v0;
  const double c10 = slice_time(p.hi, d.lo, kv_prefill, kv_decode);
  const double c11 = d.hi == d.lo ? c10 : slice_time(p.hi, d.hi, kv_prefill, kv_decode);
  const double v1 = c10 + d.t * (c11 - c10);
  return v0 + p.t * (v1 - v0);
}

}  // namespace blis::latency::profiled
