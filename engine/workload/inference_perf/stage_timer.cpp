#include "engine/workload/inference_perf/stage_timer.h"

#include <cmath>

namespace blis::workload::inference_perf {

StageTimer::StageTimer(Tick start_us, Tick duration_us, int64_t count, int64_t seed)
    : start_us_(start_us), duration_us_(duration_us), count_(count), rng_(seed) {}

bool StageTimer::next(Tick& out) {
  if (given_ >= count_) return false;
  ++given_;
  if (given_ == count_) {
    fraction_ = 1.0;  // the rescaled gaps sum to the duration: the last send ends the stage
  } else {
    // The smallest of the count - given_ uniforms still to place above fraction_.
    const double remaining = static_cast<double>(count_ - given_);
    const double v = 1.0 - rng_.float64();  // in (0, 1]
    fraction_ = 1.0 - (1.0 - fraction_) * std::pow(v, 1.0 / remaining);
  }
  out = start_us_ + static_cast<Tick>(std::floor(fraction_ * static_cast<double>(duration_us_)));
  return true;
}

int64_t stage_request_count(double rate, int64_t duration_s) {
  return static_cast<int64_t>(std::trunc(rate * static_cast<double>(duration_s)));
}

}  // namespace blis::workload::inference_perf
