// When inference-perf's "poisson" load sends a stage's requests (kubernetes-sigs/inference-perf
// at commit b81afa4, inference_perf/loadgen/load_timer.py, PoissonLoadTimer; load_generator.py
// run_stage): the stage still sends exactly int(rate * duration) requests, but second by second:
// each second draws a Poisson(rate) count c (numpy's poisson); a second with c = 0 sends nothing,
// a second with c > 0 is filled by the constant timer with c requests over that one second
// (ConstantLoadTimer(c, 1.0): exponential gaps rescaled so the last lands on the second's end).
// The stage ends when its count is reached, so it may end before or after `duration`.
//
// Below kDirectRate the per-second counts are drawn by running a Poisson process of the stage's
// rate (exponential gaps of mean 1/rate) and counting its arrivals in each second, so empty
// seconds cost nothing, however low the rate; from kDirectRate on (where an empty second is
// rarer than e^-10) each second's count is drawn directly, as numpy draws it, in O(1).
#pragma once

#include <cstdint>
#include <optional>

#include "engine/core/go_rand.h"
#include "engine/core/ticks.h"
#include "engine/workload/inference_perf/stage_timer.h"

namespace blis::workload::inference_perf {

inline constexpr double kDirectRate = 10.0;

class PoissonStageTimer {
 public:
  // `count` requests from `start_us` on at `rate` per second (> 0); `seed` fixes the draws.
  PoissonStageTimer(Tick start_us, double rate, int64_t count, int64_t seed);

  // The next send time; false once `count` times have been given.
  bool next(Tick& out);
  int64_t count() const { return count_; }

 private:
  Tick start_us_;
  double rate_;
  int64_t count_, given_ = 0;
  double next_arrival_s_ = 0;  // below kDirectRate: the process's next arrival, from the stage's start
  Tick next_second_ = 0;       // from kDirectRate on: the next second to draw
  core::GoRand rng_;
  std::optional<StageTimer> second_;  // the constant timer of the second being sent
};

}  // namespace blis::workload::inference_perf
