// The run limits of one Lua state (docs/safety.md "Run limits"):
//   * a heap cap, enforced by the state's allocator (it also stops loops LuaJIT compiled);
//   * an instruction budget per call from blis into Lua, counted by a count hook that stays
//     armed for the state's life: arming per call is then one counter increment;
//   * cancellation: the run's CancelToken (--timeout, --point-timeout, a signal) seen by the hook.
// LuaJIT's hooks never run inside machine code it compiled, so a compiled loop escapes the
// count. The Watchdog thread covers that case: a call running longer than the budget takes at
// 10^7 instructions a second (stuck_seconds) is interrupted — the hook raises the error, with
// the user's file:line, the next time it runs — and if the hook never runs again (an endless
// loop entirely in compiled code, `while true do end`), the call's hard-stop action runs: the
// process exits with the message, or an experiment abandons the point's worker thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "engine/core/cancellation.h"

struct lua_State;
struct lua_Debug;

namespace blis::bindings {

// What to do when a run ignores cancellation (it is stuck where blis cannot interrupt it).
// Called on the watchdog thread with the message to report.
using HardStop = std::function<void(const std::string& message)>;

// The hard stop the calling thread's Lua states use; the default prints the message and ends
// the process with status 1. Experiment workers install one that abandons the point.
inline thread_local const HardStop* current_hard_stop = nullptr;
void exit_hard_stop(const std::string& message);

// What a call into Lua runs, for the watchdog's message: "<kind> (<where>)".
struct CallLabel {
  std::string kind;   // "scorer 'light'", "workload generator"
  std::string where;  // file:line where the function is defined, or ""
  std::string text() const { return where.empty() ? kind : kind + " (" + where + ")"; }
};

struct LuaGuard {
  LuaGuard();
  LuaGuard(const LuaGuard&) = delete;
  LuaGuard& operator=(const LuaGuard&) = delete;

  // lua_Alloc with the heap cap.
  static void* allocate(void* ud, void* ptr, size_t old_size, size_t new_size);
  static LuaGuard& of(lua_State* L);

  // Where the limits came from, for messages ("--lua-memory-limit" or "limits.lua_memory_mb").
  size_t heap_used = 0;
  size_t heap_cap = 0;
  std::string heap_cap_source;
  bool heap_cap_hit = false;

  int64_t instruction_limit = 0;
  std::string instruction_limit_source;
  uint64_t seen_call = 0;  // the call the hook counted ticks for
  // > 0 while blis's own stdlib does bounded work for the loader (the key-line scanner reads the
  // scenario file interpreted): the user's instruction budget is not charged for it.
  int uncounted_depth = 0;
  int64_t ticks = 0;       // hook firings during that call

  // Read by the watchdog thread.
  std::atomic<uint64_t> call{0};         // bumped on every call from blis into Lua
  std::atomic<int> depth{0};             // > 0 while Lua code runs for blis
  std::atomic<uint64_t> ticks_total{0};  // hook firings ever
  std::atomic<const CallLabel*> label{nullptr};  // of the call running, when known

  core::CancelToken* run_token = nullptr;  // the run's, from the creating thread
  core::CancelToken interrupt;             // the watchdog's, for a stuck call
  HardStop hard_stop;

  // Every call from blis into Lua is bracketed by these (cheap: relaxed single-writer stores).
  // Returns the previous label, for leave().
  const CallLabel* enter(const CallLabel* what) {
    call.store(call.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    depth.store(depth.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    const CallLabel* previous = label.load(std::memory_order_relaxed);
    if (what != nullptr) label.store(what, std::memory_order_release);
    return previous;
  }
  void leave(const CallLabel* previous) {
    label.store(previous, std::memory_order_release);
    depth.store(depth.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
  }

  // The seconds a call may stay where the hook cannot count (compiled code) before the watchdog
  // treats it as over budget: the budget at 10^7 instructions a second, at least 2 s.
  double stuck_seconds() const;
  // The message for an error raised by the hook, or "" when the call may go on.
  std::string hook_check(lua_State* L);
  std::string time_budget_message() const;
  // Translates "not enough memory" when it was the cap.
  std::string memory_message() const;
};

// The count hook's interval: the budget is checked every this many interpreted instructions.
constexpr int kHookInterval = 1000;

// The one process-wide watchdog thread (started on first use).
class Watchdog {
 public:
  static Watchdog& get();
  // At `deadline`, cancels `token` with `reason`; if the registration is still there `grace`
  // later, runs `hard_stop(reason)`. Returns an id for forget().
  uint64_t watch_deadline(core::CancelToken* token, std::chrono::steady_clock::time_point deadline, std::string reason,
                          HardStop hard_stop);
  void forget(uint64_t id);
  // Stuck-call detection for a Lua state while it lives.
  void watch_guard(LuaGuard* guard);
  void forget_guard(LuaGuard* guard);

  struct Impl;

 private:
  Watchdog();
  Impl* impl_;
};

// Seconds between the watchdog's cancellation and its hard stop.
constexpr double kHardStopGraceSeconds = 2.0;

}  // namespace blis::bindings
