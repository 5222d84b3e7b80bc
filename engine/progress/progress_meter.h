// Progress of a long run on a terminal (docs/user-guide.md, "Progress"): one stderr line,
// rewritten in place at most twice a second, with the simulated time, requests completed, the
// wall-clock rate and an ETA; erased when the run ends, so a finished run's terminal reads as
// before. Only the front end turns it on (stderr is a terminal); it watches the loop as a
// ClusterObserver and never touches stdout or the simulation, so results are the same with it.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>

#include "engine/cluster/cluster_observer.h"

namespace blis::progress {

struct ProgressPlan {
  std::optional<int64_t> total_requests;  // when the workload says how many it sends
  std::optional<Tick> horizon;            // when the run stops at a simulated time
};

class ProgressMeter final : public cluster::ClusterObserver {
 public:
  using WallClock = std::function<double()>;  // seconds, monotonic

  // `clock` defaults to std::chrono::steady_clock; tests pass their own.
  ProgressMeter(std::FILE* out, ProgressPlan plan, WallClock clock = {});
  ProgressMeter(const ProgressMeter&) = delete;
  ProgressMeter& operator=(const ProgressMeter&) = delete;
  ~ProgressMeter() override { erase(); }  // a run that failed leaves no half line before its error

  void before_event(Tick t) override;
  void on_arrival(RequestIndex) override {}
  void on_admission(RequestIndex, bool) override {}
  void on_instance_event(const instance::InstanceEvent& e) override;
  void on_run_end(Tick end) override;

  bool shown() const { return shown_; }

  // The line for a state (no carriage return): "simulated 12.5 s | 4,000 of 10,000 requests
  // done | 3,210 req/s | ETA 2 s". Public for tests.
  static std::string line(Tick simulated, int64_t completed, double wall_s, const ProgressPlan& plan);

 private:
  void maybe_print(Tick t);
  void erase();

  std::FILE* out_;
  ProgressPlan plan_;
  WallClock clock_;
  double started_ = 0, last_print_ = 0;
  int64_t completed_ = 0;
  uint32_t events_ = 0;
  bool shown_ = false;
};

}  // namespace blis::progress
