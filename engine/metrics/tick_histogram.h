// A multiset of tick values with exact rank access: the reference keeps every ITL entry of
// every completed request in one list (engine-core §7.1), which for long runs is hundreds of
// millions of entries with few distinct values. Counting them gives the same sorted sequence.
#pragma once

#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/core/ticks.h"

namespace blis::metrics {

class TickHistogram {
 public:
  void add(Tick value, int64_t count) {
    counts_[value] += count;
    total_ += count;
  }
  void merge(const TickHistogram& other) {
    for (const auto& [value, count] : other.counts_) add(value, count);
  }
  int64_t size() const { return total_; }

  // The distinct values ascending, with their counts (a sorted view of the whole list).
  std::vector<std::pair<Tick, int64_t>> sorted_runs() const {
    std::vector<std::pair<Tick, int64_t>> runs(counts_.begin(), counts_.end());
    std::sort(runs.begin(), runs.end());
    return runs;
  }

 private:
  std::unordered_map<Tick, int64_t> counts_;
  int64_t total_ = 0;
};

}  // namespace blis::metrics
