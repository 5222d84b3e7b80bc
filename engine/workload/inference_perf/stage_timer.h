// When inference-perf's "constant" load sends a stage's requests. The harness (kubernetes-sigs/
// inference-perf, inference_perf/loadgen/load_timer.py, ConstantLoadTimer, in the release that
// produced the sim2real A_ runs, commit b81afa4) sends exactly int(rate * duration) requests: it
// draws that many exponential gaps of mean 1/rate and rescales them so they add up to the
// duration. The count is exact and the last request goes out at the stage's end; the gaps are
// those of a Poisson process conditioned on its count.
//
// Rescaling needs the sum of all gaps before the first one is used. The rescaled send times
// (the i-th partial sum over the total, i < n) are distributed exactly as the order statistics
// of n - 1 uniform draws on the stage, so the timer draws those in ascending order, one per
// send (u_i = 1 - (1 - u_{i-1}) V^(1/(n - i)), V uniform), with no pass over a long stage
// before its first request.
#pragma once

#include <cstdint>

#include "engine/core/go_rand.h"
#include "engine/core/ticks.h"

namespace blis::workload::inference_perf {

class StageTimer {
 public:
  // `count` requests over [start, start + duration] (whole microseconds, rounded down); `seed`
  // fixes the draws.
  StageTimer(Tick start_us, Tick duration_us, int64_t count, int64_t seed);

  // The next send time; false once `count` times have been given.
  bool next(Tick& out);
  int64_t count() const { return count_; }

 private:
  Tick start_us_, duration_us_;
  int64_t count_, given_ = 0;
  double fraction_ = 0;  // of the stage elapsed at the last send given
  core::GoRand rng_;
};

// int(rate * duration) as Python truncates it: the harness's request count for a stage.
int64_t stage_request_count(double rate, int64_t duration_s);

}  // namespace blis::workload::inference_perf
