// One instance's per-step token latency (step time + output processing, engine-core §3.6), in
// step order, with wrapping prefix sums. Requests keep only the step ranges they decoded in
// (DecodeStints): the ITL sum of a range is a prefix-sum difference, and the ITL distribution
// of completed requests is a per-step count kept as a difference array. Steps no live request
// can still refer to are folded into a histogram (trim), so memory follows the live requests,
// not the length of the run.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/core/ticks.h"
#include "engine/metrics/tick_histogram.h"

namespace blis::instance {

class StepLatencyLog {
 public:
  StepLatencyLog() {
    prefix_.push_back(0);
    diff_.push_back(0);
  }

  // Appends the latency of the next step; returns that step's (absolute) position.
  int64_t record(Tick latency) {
    latency_.push_back(latency);
    prefix_.push_back(wrap_add(prefix_.back(), latency));
    diff_.push_back(0);
    return size() - 1;
  }
  // Absolute position of the next step.
  int64_t size() const { return base_ + static_cast<int64_t>(latency_.size()); }

  // Sum of the latencies of steps [from, to), wrapping like Go's int64 (order does not matter
  // in modular arithmetic, so this equals the reference's running sum).
  Tick sum(int64_t from, int64_t to) const {
    return static_cast<Tick>(static_cast<uint64_t>(prefix_[at(to)]) - static_cast<uint64_t>(prefix_[at(from)]));
  }
  // Counts one ITL entry for every step in [from, to).
  void count(int64_t from, int64_t to) {
    ++diff_[at(from)];
    --diff_[at(to)];
  }
  // Folds the steps before `keep_from` (which no live request's stint reaches back to) into the
  // histogram of counted entries.
  void trim(int64_t keep_from) {
    if (keep_from <= base_) return;
    const size_t k = at(keep_from);
    int64_t running = 0;
    for (size_t s = 0; s < k; ++s) {
      running += diff_[s];
      if (running > 0) folded_.add(latency_[s], running);
    }
    diff_[k] += running;  // ranges that started before keep_from and are still counted after it
    latency_.erase(latency_.begin(), latency_.begin() + static_cast<std::ptrdiff_t>(k));
    prefix_.erase(prefix_.begin(), prefix_.begin() + static_cast<std::ptrdiff_t>(k));
    diff_.erase(diff_.begin(), diff_.begin() + static_cast<std::ptrdiff_t>(k));
    base_ = keep_from;
  }
  // Adds every counted entry to `out`.
  void add_counted_to(metrics::TickHistogram& out) const {
    out.merge(folded_);
    int64_t running = 0;
    for (size_t s = 0; s < latency_.size(); ++s) {
      running += diff_[s];
      if (running > 0) out.add(latency_[s], running);
    }
  }

 private:
  size_t at(int64_t position) const { return static_cast<size_t>(position - base_); }

  int64_t base_ = 0;            // absolute position of latency_[0]
  std::vector<Tick> latency_;
  std::vector<Tick> prefix_;    // prefix_[s] = sum of latencies of the steps before s (wrapping)
  std::vector<int64_t> diff_;   // counts per step as differences
  metrics::TickHistogram folded_;  // counted entries of trimmed steps
};

}  // namespace blis::instance
