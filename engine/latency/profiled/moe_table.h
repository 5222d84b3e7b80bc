// The MoE experts' time of one layer on one EP rank, from moe.csv (tokens,activated_experts,
// time_us), looked up as LLMServingSim's _lookup_moe does (serving/core/trace_generator.py): a
// tokens curve per measured activated-expert count, interpolated linearly between the two
// counts that bracket the query (the first count's curve below it, the line through the last
// two beyond it). Each curve reads like the dense ones (piecewise_linear.h).
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

#include "engine/latency/profiled/piecewise_linear.h"

namespace blis::latency::profiled {

class MoeTable {
 public:
  // Rows in increasing activated-expert count (the reader sorts them).
  void add_row(double activated_experts, PiecewiseLinear by_tokens) {
    activated_.push_back(activated_experts);
    rows_.push_back(std::move(by_tokens));
  }
  bool empty() const { return rows_.empty(); }

  double time_us(double tokens, double activated_experts) const {
    const std::size_t n = activated_.size();
    if (n == 0) return 0;
    if (n == 1 || activated_experts <= activated_.front()) return rows_.front()(tokens);
    std::size_t hi = static_cast<std::size_t>(
        std::upper_bound(activated_.begin(), activated_.end(), activated_experts) - activated_.begin());
    if (hi >= n) hi = n - 1;
    const std::size_t lo = hi - 1;
    const double t = (activated_experts - activated_[lo]) / (activated_[hi] - activated_[lo]);
    const double a = rows_[lo](tokens), b = rows_[hi](tokens);
    return a + t * (b - a);
  }

 private:
  std::vector<double> activated_;
  std::vector<PiecewiseLinear> rows_;
};

}  // namespace blis::latency::profiled
