// Stops a run that has stopped making progress (reference mode), instead of letting it spin.
//
// The reference's KV block leak (engine-core §5.6) and its missing guard for a request whose
// prompt fits but prompt + output does not (§3.9, §10) end in a livelock: the same requests are
// admitted, preempted and re-queued (or the queue head waits on blocks nobody will free) while
// the clock keeps running, forever when there is no horizon.
//
// Progress, per instance, is a request completing or a request getting further (a larger
// progress index) than it ever got before. Every request's high-water mark is bounded by its
// L + N tokens, so a run that keeps making progress cannot go long without one of these. In a
// legitimate run the first request of the batch advances at least one token in every step and
// is only ever preempted for someone else who then advances, so re-computing lost work delays a
// new high-water mark by at most the L + N steps a request needs to get back to where it was.
// The watch therefore fires only when BOTH hold:
//   * no progress for kBaseWindow + 2 × (largest L + N seen here) consecutive steps, and
//   * the instance is provably stuck for a reason the reference has: leaked KV blocks, or a
//     queued or running request that can never fit in the whole cache.
// A window that passes without the second condition just starts again: the watch never stops a
// run it cannot explain. In corrected mode neither cause exists (no leak, such requests are
// dropped), so the watch never fires there.
#pragma once

#include <algorithm>
#include <cstdint>

#include "engine/core/ticks.h"

namespace blis::instance {

class ProgressWatch {
 public:
  static constexpr int64_t kBaseWindow = 100000;

  void saw_request(int64_t total_tokens) { largest_ = std::max(largest_, total_tokens); }
  void progressed(Tick now) {
    quiet_steps_ = 0;
    last_progress_ = now;
  }
  // Counts one step without progress; true once the window has passed (then starts a new one).
  bool quiet_step() {
    if (++quiet_steps_ <= kBaseWindow + 2 * largest_) return false;
    quiet_steps_ = 0;
    return true;
  }
  Tick last_progress() const { return last_progress_; }
  int64_t window() const { return kBaseWindow + 2 * largest_; }

 private:
  int64_t quiet_steps_ = 0;
  int64_t largest_ = 0;
  Tick last_progress_ = 0;
};

}  // namespace blis::instance
