#include "bindings/experiment_workers.h"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "bindings/experiment_point.h"
#include "bindings/lua_guard.h"
#include "bindings/safety_options.h"
#include "engine/core/atomic_file.h"
#include "engine/core/cancellation.h"

namespace blis::bindings {

namespace {

volatile std::sig_atomic_t g_signal = 0;
std::atomic<bool> g_abandoned{false};

extern "C" void on_interrupt(int signal) {
  if (g_signal != 0) {  // a second signal: stop now, the default way, leaving no temporary file
    core::remove_live_temp_files();
    std::signal(signal, SIG_DFL);
    std::raise(signal);
    return;
  }
  g_signal = signal;
}

const char* signal_name(int signal) { return signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "a signal"; }

using Clock = std::chrono::steady_clock;

// One running point.
struct Running {
  core::CancelToken token;
  bool abandoned = false;
};

// Shared by the sweep and its workers; held by shared_ptr, as an abandoned worker may outlive
// the sweep.
struct Sweep {
  SweepJob job;
  std::vector<int> to_run;
  std::mutex mutex;
  std::condition_variable changed;
  size_t next = 0;
  bool stop_dispatch = false;
  int done = 0;
  int active_workers = 0;
  int replacements = 0;  // workers to start in place of abandoned ones
  std::vector<PointResult> results;
  std::map<int, std::shared_ptr<Running>> running;
};

void abandon(const std::shared_ptr<Sweep>& sweep, int k, const std::shared_ptr<Running>& running,
             const std::string& message) {
  std::lock_guard<std::mutex> lock(sweep->mutex);
  if (running->abandoned || sweep->running.count(k) == 0) return;  // it finished meanwhile
  running->abandoned = true;
  sweep->running.erase(k);
  PointResult& r = sweep->results[static_cast<size_t>(k)];
  r = PointResult{};
  r.ran = true;
  r.error = message + " (the point did not stop when asked; its worker thread was abandoned)";
  ++sweep->done;
  --sweep->active_workers;
  ++sweep->replacements;
  g_abandoned = true;
  sweep->changed.notify_all();
}

void work(std::shared_ptr<Sweep> sweep, std::optional<double> point_timeout) {
  while (true) {
    int k = 0;
    auto running = std::make_shared<Running>();
    {
      std::lock_guard<std::mutex> lock(sweep->mutex);
      if (sweep->stop_dispatch || sweep->next >= sweep->to_run.size()) break;
      k = sweep->to_run[sweep->next++];
      sweep->running[k] = running;
    }
    const HardStop stop = [sweep, k, running](const std::string& message) { abandon(sweep, k, running, message); };
    const HardStop* previous_stop = current_hard_stop;
    current_hard_stop = &stop;
    uint64_t deadline = 0;
    if (point_timeout) {
      const auto when = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(*point_timeout));
      deadline = Watchdog::get().watch_deadline(&running->token, when,
                                                "point exceeded --point-timeout " + seconds_text(*point_timeout), stop);
    }
    PointResult result;
    {
      core::ScopedCancelToken scoped(&running->token);
      result = sweep->job.run_one
                   ? sweep->job.run_one(k)
                   : run_point(sweep->job.script, sweep->job.params, sweep->job.run, k,
                               sweep->job.descriptions[static_cast<size_t>(k)], sweep->job.prior);
    }
    if (deadline != 0) Watchdog::get().forget(deadline);
    current_hard_stop = previous_stop;
    std::lock_guard<std::mutex> lock(sweep->mutex);
    if (running->abandoned) return;  // reported already; a replacement took this thread's place
    sweep->running.erase(k);
    sweep->results[static_cast<size_t>(k)] = std::move(result);
    ++sweep->done;
    sweep->changed.notify_all();
  }
  std::lock_guard<std::mutex> lock(sweep->mutex);
  --sweep->active_workers;
  sweep->changed.notify_all();
}

void start_worker(const std::shared_ptr<Sweep>& sweep, std::optional<double> point_timeout) {
  ++sweep->active_workers;  // under the sweep's mutex
  std::thread(work, sweep, point_timeout).detach();
}

}  // namespace

void install_interrupt_handlers() {
  static bool installed = false;
  if (installed) return;
  installed = true;
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int interrupted_signal() { return g_signal; }

bool workers_abandoned() { return g_abandoned.load(); }

std::vector<PointResult> run_sweep_points(const SweepJob& job, const std::vector<int>& to_run,
                                          std::vector<PointResult> results) {
  auto sweep = std::make_shared<Sweep>();
  sweep->job = job;
  sweep->to_run = to_run;
  sweep->results = std::move(results);
  const SafetyOptions& safety = safety_options();
  const std::optional<double> point_timeout = safety.point_timeout_s ? safety.point_timeout_s : safety.timeout_s;
  const core::CancelToken* run_token = core::current_cancel_token;
  const int total = static_cast<int>(to_run.size());
  const auto start = Clock::now();
  double last_drawn = -1;
  std::unique_lock<std::mutex> lock(sweep->mutex);
  for (int j = 0; j < job.jobs; ++j) start_worker(sweep, point_timeout);
  while (sweep->done < total || sweep->active_workers > 0) {
    sweep->changed.wait_for(lock, std::chrono::milliseconds(100));
    const bool run_cancelled = run_token != nullptr && run_token->cancelled();
    if ((g_signal != 0 || run_cancelled) && !sweep->stop_dispatch) {
      // Stop: nothing new starts, the running points are cancelled, the rest are not run.
      const std::string reason = g_signal != 0
                                     ? fmt::format("interrupted by {}", signal_name(g_signal))
                                     : run_token->reason();
      sweep->stop_dispatch = true;
      for (size_t i = sweep->next; i < sweep->to_run.size(); ++i) {
        PointResult& r = sweep->results[static_cast<size_t>(sweep->to_run[i])];
        r.ran = true;
        r.error = "not run: " + reason;
        ++sweep->done;
      }
      sweep->next = sweep->to_run.size();
      // Each running point gets the grace period to stop, then is abandoned like a stuck one.
      for (auto& [k, running] : sweep->running) {
        const HardStop stop = [sweep, k = k, running = running](const std::string& message) {
          abandon(sweep, k, running, message);
        };
        Watchdog::get().watch_deadline(&running->token, Clock::now(), reason, stop);
      }
    }
    for (; sweep->replacements > 0; --sweep->replacements) {
      if (!sweep->stop_dispatch && sweep->next < sweep->to_run.size()) start_worker(sweep, point_timeout);
    }
    if (!job.progress) continue;
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    if (elapsed - last_drawn < 0.2) continue;  // a few redraws a second are enough
    last_drawn = elapsed;
    const int d = sweep->done;
    const std::string left = d > 0 ? fmt::format(", about {:.0f} s left", elapsed / d * (total - d)) : "";
    const std::string line = fmt::format("\r\033[K{} {}: {}/{} points, {:.1f} s{}", job.progress_label, job.run, d, total, elapsed, left);
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
  }
  if (job.progress) {
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
  }
  return sweep->results;
}

}  // namespace blis::bindings
