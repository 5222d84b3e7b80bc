// A request's inter-token latency entries (engine-core §2.4), kept run-length encoded: entries
// repeat the step duration of consecutive steps, and requests may live for thousands of steps.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/core/ticks.h"

namespace blis {

class ItlRecord {
 public:
  struct Run {
    Tick value;
    int64_t count;
  };

  void append(Tick value) {
    if (!runs_.empty() && runs_.back().value == value) {
      ++runs_.back().count;
    } else {
      runs_.push_back({value, 1});
    }
    sum_ = wrap_add(sum_, value);
    ++count_;
  }
  Tick sum() const { return sum_; }          // int64 sum, wrapping like Go
  int64_t count() const { return count_; }
  const std::vector<Run>& runs() const { return runs_; }
  void release() {
    std::vector<Run>().swap(runs_);
  }

 private:
  std::vector<Run> runs_;
  Tick sum_ = 0;
  int64_t count_ = 0;
};

}  // namespace blis
