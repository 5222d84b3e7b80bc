#include "engine/workload/inference_perf/stage_timer.h"

#include <cmath>

namespace blis::workload::inference_perf {

StageTimer::StageTimer(Tick start_us, Tick duration_us, int64_t count, int64_t seed)
    : start_us_(start_us), duration_us_(duration_us), count_(count), rng_(seed) {
  core::GoRand first_pass(seed);
  for (int64_t i = 0; i < count_; ++i) total_ += first_pass.exp_float64();
}

bool StageTimer::next(Tick& out) {
  if (given_ >= count_) return false;
  elapsed_ += rng_.exp_float64();
  ++given_;
  // The last gap ends the stage exactly, as the harness's rescaled gaps sum to the duration.
  const double fraction = given_ == count_ ? 1.0 : elapsed_ / total_;
  out = start_us_ + static_cast<Tick>(std::floor(fraction * static_cast<double>(duration_us_)));
  return true;
}

int64_t stage_request_count(double rate, int64_t duration_s) {
  return static_cast<int64_t>(std::trunc(rate * static_cast<double>(duration_s)));
}

}  // namespace blis::workload::inference_perf
