#include "bindings/lua_guard.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <lua.hpp>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace blis::bindings {

void exit_hard_stop(const std::string& message) {
  // The thread that should have stopped may hold stdio's locks: write(2), then leave at once.
  const std::string line = "blis: error: " + message + "\n";
  if (::write(STDERR_FILENO, line.data(), line.size()) < 0) std::_Exit(1);
  std::_Exit(1);
}

LuaGuard::LuaGuard() : run_token(core::current_cancel_token) {
  if (current_hard_stop != nullptr) hard_stop = *current_hard_stop;
  else hard_stop = exit_hard_stop;
}

void* LuaGuard::allocate(void* ud, void* ptr, size_t old_size, size_t new_size) {
  auto* guard = static_cast<LuaGuard*>(ud);
  if (ptr == nullptr) old_size = 0;
  if (new_size == 0) {
    std::free(ptr);
    guard->heap_used -= old_size;
    return nullptr;
  }
  if (new_size > old_size && guard->heap_cap > 0 && guard->heap_used - old_size + new_size > guard->heap_cap) {
    guard->heap_cap_hit = true;
    return nullptr;  // LuaJIT raises "not enough memory", compiled code included
  }
  void* block = std::realloc(ptr, new_size);
  if (block != nullptr) guard->heap_used = guard->heap_used - old_size + new_size;
  return block;
}

LuaGuard& LuaGuard::of(lua_State* L) {
  void* ud = nullptr;
  lua_getallocf(L, &ud);
  return *static_cast<LuaGuard*>(ud);
}

double LuaGuard::stuck_seconds() const { return std::max(2.0, static_cast<double>(instruction_limit) / 1e7); }

std::string LuaGuard::hook_check(lua_State*) {
  ticks_total.store(ticks_total.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  if (run_token != nullptr && run_token->cancelled()) return run_token->reason();
  if (interrupt.cancelled()) return interrupt.reason();
  if (uncounted_depth > 0) return "";
  const uint64_t current = call.load(std::memory_order_relaxed);
  if (current != seen_call) {
    seen_call = current;
    ticks = 0;
  }
  if (++ticks <= instruction_limit / kHookInterval) return "";
  ticks = 0;  // the error ends this call; a handler that catches it starts afresh
  return fmt::format("exceeded the Lua instruction budget of {} instructions for one call from blis (a loop that "
                     "never ends?); raise it with {}",
                     instruction_limit, instruction_limit_source);
}

std::string LuaGuard::time_budget_message() const {
  return fmt::format("exceeded the {:g} s one call from blis into Lua may run (the instruction budget of {} at 10^7 "
                     "instructions a second, for code LuaJIT compiled, where instructions are not counted; an "
                     "endless loop?); raise it with {}",
                     stuck_seconds(), instruction_limit, instruction_limit_source);
}

std::string LuaGuard::memory_message() const {
  if (!heap_cap_hit) return "not enough memory";
  return fmt::format("the Lua heap reached its cap of {} MiB; raise it with {}", heap_cap >> 20, heap_cap_source);
}

// ---- the watchdog thread ------------------------------------------------------------------

struct Watchdog::Impl {
  using Clock = std::chrono::steady_clock;
  struct Deadline {
    core::CancelToken* token;
    Clock::time_point deadline;
    std::string reason;
    HardStop hard_stop;
    std::optional<Clock::time_point> fired;
    bool stopped = false;
  };
  struct GuardWatch {
    uint64_t call = 0, ticks = 0;
    std::optional<Clock::time_point> stuck_since, interrupted;
    bool stopped = false;
  };
  std::mutex mutex;
  std::condition_variable wake;
  uint64_t next_id = 1;
  std::map<uint64_t, Deadline> deadlines;
  std::map<LuaGuard*, GuardWatch> guards;
  bool started = false;

  void start() {
    if (started) return;
    started = true;
    std::thread([this] { loop(); }).detach();  // lives as long as the process
  }

  void loop() {
    std::unique_lock<std::mutex> lock(mutex);
    while (true) {
      wake.wait_for(lock, std::chrono::milliseconds(100));
      const Clock::time_point now = Clock::now();
      std::vector<std::pair<HardStop, std::string>> stops;
      const auto grace = std::chrono::duration<double>(kHardStopGraceSeconds);
      for (auto& [id, d] : deadlines) {
        if (!d.fired && now >= d.deadline) {
          d.token->cancel(d.reason);
          d.fired = now;
        } else if (d.fired && !d.stopped && now - *d.fired >= grace) {
          d.stopped = true;
          stops.emplace_back(d.hard_stop, d.reason);
        }
      }
      for (auto& [guard, w] : guards) check_guard(*guard, w, now, stops);
      if (stops.empty()) continue;
      lock.unlock();
      for (const auto& [stop, message] : stops) stop(message);
      lock.lock();
    }
  }

  // A call running longer than stuck_seconds() is interrupted through its guard (the hook raises
  // at its next tick, naming the line); one that gives the hook no tick within the grace period
  // is stuck in compiled code and gets its hard stop.
  static void check_guard(LuaGuard& guard, GuardWatch& w, Clock::time_point now,
                          std::vector<std::pair<HardStop, std::string>>& stops) {
    const uint64_t call = guard.call.load(std::memory_order_relaxed);
    const uint64_t ticks = guard.ticks_total.load(std::memory_order_relaxed);
    const bool running = guard.depth.load(std::memory_order_relaxed) > 0;
    if (!running || call != w.call) {
      w.call = call;
      w.stuck_since.reset();
      return;
    }
    if (!w.stuck_since) {
      w.stuck_since = now;
      return;
    }
    if (!w.interrupted) {
      if (std::chrono::duration<double>(now - *w.stuck_since).count() < guard.stuck_seconds()) return;
      guard.interrupt.cancel(guard.time_budget_message());
      w.interrupted = now;
      w.ticks = ticks;
      return;
    }
    if (ticks != w.ticks || w.stopped) return;  // the hook ran: it raised the error
    if (std::chrono::duration<double>(now - *w.interrupted).count() < kHardStopGraceSeconds) return;
    w.stopped = true;
    const CallLabel* label = guard.label.load(std::memory_order_acquire);
    stops.emplace_back(guard.hard_stop, (label != nullptr ? label->text() + ": " : std::string()) +
                                            guard.time_budget_message() +
                                            "; it is stuck in machine code LuaJIT compiled, where it cannot be "
                                            "interrupted");
  }
};

Watchdog::Watchdog() : impl_(new Impl) {}

Watchdog& Watchdog::get() {
  static Watchdog* watchdog = new Watchdog;  // never destroyed: its thread outlives main()
  return *watchdog;
}

uint64_t Watchdog::watch_deadline(core::CancelToken* token, std::chrono::steady_clock::time_point deadline,
                                  std::string reason, HardStop hard_stop) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->start();
  const uint64_t id = impl_->next_id++;
  impl_->deadlines.emplace(id, Impl::Deadline{token, deadline, std::move(reason), std::move(hard_stop), {}, false});
  return id;
}

void Watchdog::forget(uint64_t id) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->deadlines.erase(id);
}

void Watchdog::watch_guard(LuaGuard* guard) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->start();
  impl_->guards.emplace(guard, Impl::GuardWatch{});
}

void Watchdog::forget_guard(LuaGuard* guard) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->guards.erase(guard);
}

}  // namespace blis::bindings
