#include "engine/workload/inference_perf/poisson_timer.h"

#include <cmath>

namespace blis::workload::inference_perf {

PoissonStageTimer::PoissonStageTimer(Tick start_us, double rate, int64_t count, int64_t seed)
    : start_us_(start_us), rate_(rate), count_(count), rng_(seed) {
  next_arrival_s_ = rng_.exp_float64() / rate_;
}

bool PoissonStageTimer::next(Tick& out) {
  if (given_ >= count_) return false;
  while (!second_ || !second_->next(out)) {
    // The next second with at least one request, and its count c: the process's arrivals in it.
    const double second = std::floor(next_arrival_s_);
    int64_t c = 0;
    while (next_arrival_s_ < second + 1.0) {
      ++c;
      next_arrival_s_ += rng_.exp_float64() / rate_;
    }
    second_.emplace(start_us_ + static_cast<Tick>(second) * 1'000'000, 1'000'000, c, rng_.int63());
  }
  ++given_;
  return true;
}

}  // namespace blis::workload::inference_perf
