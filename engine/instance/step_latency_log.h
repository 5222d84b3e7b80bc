// One instance's per-step token latency (step time + output processing, engine-core §3.6), in
// step order, with wrapping prefix sums. Requests keep only the step ranges they decoded in
// (DecodeStints): the ITL sum of a range is a prefix-sum difference, and the ITL distribution
// of completed requests is a per-step count kept as a difference array, expanded once when the
// report asks for it.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/core/ticks.h"
#include "engine/metrics/tick_histogram.h"

namespace blis::instance {

class StepLatencyLog {
 public:
  StepLatencyLog() { prefix_.push_back(0); diff_.push_back(0); }

  // Appends the latency of the next step; returns that step's position in the log.
  int64_t record(Tick latency) {
    latency_.push_back(latency);
    prefix_.push_back(wrap_add(prefix_.back(), latency));
    diff_.push_back(0);
    return static_cast<int64_t>(latency_.size()) - 1;
  }
  int64_t size() const { return static_cast<int64_t>(latency_.size()); }

  // Sum of the latencies of steps [from, to), wrapping like Go's int64 (order does not matter
  // in modular arithmetic, so this equals the reference's running sum).
  Tick sum(int64_t from, int64_t to) const {
    return static_cast<Tick>(static_cast<uint64_t>(prefix_[static_cast<size_t>(to)]) -
                             static_cast<uint64_t>(prefix_[static_cast<size_t>(from)]));
  }
  // Counts one ITL entry for every step in [from, to).
  void count(int64_t from, int64_t to) {
    ++diff_[static_cast<size_t>(from)];
    --diff_[static_cast<size_t>(to)];
  }
  // Adds every counted entry to `out`.
  void add_counted_to(metrics::TickHistogram& out) const {
    int64_t running = 0;
    for (size_t s = 0; s < latency_.size(); ++s) {
      running += diff_[s];
      if (running > 0) out.add(latency_[s], running);
    }
  }

 private:
  std::vector<Tick> latency_;
  std::vector<Tick> prefix_;    // prefix_[s] = sum of latency_[0, s)
  std::vector<int64_t> diff_;   // counts per step as differences
};

}  // namespace blis::instance
