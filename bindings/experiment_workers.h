// The worker threads of one experiment sweep (bindings/experiment_runner.h), with the limits of
// docs/safety.md "Run limits": each point runs under its own CancelToken, cancelled at
// --point-timeout (default: --timeout); a point stuck where it cannot be interrupted (an endless
// loop LuaJIT compiled) is reported as failed and its thread abandoned, a fresh one taking its
// place; SIGINT/SIGTERM (or the run's --timeout) stop the sweep, cancel the running points and
// hand back what finished, the rest marked as not run.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "bindings/experiment_runner.h"

namespace blis::bindings {

struct SweepJob {
  std::string script;
  std::vector<std::string> params;
  int run = 1;
  std::vector<std::vector<PointResult>> prior;
  std::vector<std::string> descriptions;  // by point: a search's worker finds its point by it
  int jobs = 1;
  bool progress = false;
  const char* progress_label = "experiment";  // the progress line's first word
  // Runs point k in place of an experiment script's point (`blis compare` runs scenario files):
  // same threads, limits and signals.
  std::function<PointResult(int)> run_one;
};

// Runs the points `to_run` (indices into `results`) and returns `results` with them filled in.
std::vector<PointResult> run_sweep_points(const SweepJob& job, const std::vector<int>& to_run,
                                          std::vector<PointResult> results);

// SIGINT/SIGTERM: from the first sweep on, the first signal stops the sweep (a second one ends
// the process at once). The signal number received, or 0.
void install_interrupt_handlers();
int interrupted_signal();
// True when a worker thread was abandoned: it may still be running, so the process must end
// with std::_Exit rather than run static destructors.
bool workers_abandoned();

}  // namespace blis::bindings
