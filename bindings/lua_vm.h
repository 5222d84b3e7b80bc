// One LuaJIT state, owned RAII-style (lua-embedding.md rule 2): standard libraries opened, every
// embedded stdlib module registered in package.preload (rule 1), and every call into Lua made
// through one protected-call helper with a message handler (rule 6, pitfall P1). A Lua failure
// becomes a blis::Error whose first line is "file:line: message". The state runs under the
// limits of bindings/lua_guard.h (heap cap, instruction budget per call, cancellation) taken
// from the process's SafetyOptions, and user chunks run in the sandbox (bindings/lua_sandbox.h)
// unless --unsafe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bindings/lua_guard.h"

struct lua_State;

namespace blis::bindings {

class LuaVm {
 public:
  LuaVm();
  ~LuaVm();
  LuaVm(const LuaVm&) = delete;
  LuaVm& operator=(const LuaVm&) = delete;

  lua_State* state() const { return L_; }
  // The LuaVm that owns L.
  static LuaVm& of(lua_State* L);

  // Reads `path` and pushes its compiled chunk, named "@path" so that messages name the file.
  // Throws Error "cannot read <what> <path>: <reason>" when the file cannot be read, and
  // "<path>:<line>: <message>" for a syntax error.
  void load_file(const std::string& path, std::string_view what = "file");
  // Pushes the chunk compiled from `source`; `chunkname` follows Lua's rules ("@file", "=name").
  void load_string(std::string_view source, const std::string& chunkname);

  // Calls the function below the `nargs` arguments on top of the stack, leaving `nresults`
  // results. On failure the function and arguments are gone and Error is thrown: the message,
  // then a traceback of the user's frames when the error was raised below the user's top level
  // (in a function the user's chunk called), where a traceback actually helps.
  void call(int nargs, int nresults);

  // Like call(), for user code (a scenario chunk): while it runs the VM remembers the last line
  // of user code it executed, which the stdlib uses to blame the user's line when a tail call
  // (`return blis.scenario{...}`) has removed the caller's frame from the stack.
  // `what` names the code for the watchdog's message ("the top level of x.lua").
  void call_user_code(int nargs, int nresults, const std::string& what = "");

  // Suspends the user-line tracking of call_user_code while native work that user code started
  // runs (a simulation an experiment script asked for): the per-line hook would keep LuaJIT
  // from compiling the policies that simulation calls. The native work is not a Lua call either:
  // the watchdog does not count it as Lua code that is stuck. Restores both on destruction.
  class UntrackedSection {
   public:
    explicit UntrackedSection(LuaVm& vm);
    ~UntrackedSection();
    UntrackedSection(const UntrackedSection&) = delete;
    UntrackedSection& operator=(const UntrackedSection&) = delete;

   private:
    LuaVm& vm_;
    bool was_active_;
    int depth_;
  };

  // Brackets a call into user Lua code that does not go through call()/call_ref() (resuming a
  // generator's coroutine): the instruction budget starts afresh and the watchdog watches it.
  class UserCall {
   public:
    UserCall(LuaVm& vm, std::string kind, std::string where)
        : guard_(*vm.guard_), label_{std::move(kind), std::move(where)}, previous_(guard_.enter(&label_)) {}
    ~UserCall() { guard_.leave(previous_); }
    UserCall(const UserCall&) = delete;
    UserCall& operator=(const UserCall&) = delete;

   private:
    LuaGuard& guard_;
    CallLabel label_;
    const CallLabel* previous_;
  };

  // Brackets work of blis's own stdlib done for the loader (no user code runs inside it): the
  // instruction budget does not count it; cancellation and the watchdog still apply.
  class StdlibWork {
   public:
    explicit StdlibWork(LuaVm& vm) : guard_(*vm.guard_) { ++guard_.uncounted_depth; }
    ~StdlibWork() { --guard_.uncounted_depth; }
    StdlibWork(const StdlibWork&) = delete;
    StdlibWork& operator=(const StdlibWork&) = delete;

   private:
    LuaGuard& guard_;
  };

  // Whether user chunks run in the sandbox (not --unsafe).
  bool sandboxed() const { return sandboxed_; }
  // A scenario's `limits = { lua_instructions = N, lua_memory_mb = M, timeout_s = T }`; the
  // command-line flags, when given, win. The timeout is kept for the front end that runs it.
  void set_scenario_limits(std::optional<int64_t> instructions, std::optional<int64_t> memory_mb,
                           std::optional<double> timeout_s);
  std::optional<double> scenario_timeout() const { return scenario_timeout_; }

  // Pushes require(module).
  void require(const char* module);

  // Registry references, for values C++ calls again and again (hooks resolved at load time,
  // rule 6): ref() pops the top value and returns its reference.
  int ref();
  void unref(int reference);
  void push_ref(int reference) const;
  // The per-decision path: calls the function held by `reference` with no arguments, leaving
  // `nresults` results. The message handler is pushed from the registry, not created per call.
  // Throws Error like call().
  void call_ref(int reference, int nresults);
  // Names what the function held by `reference` is ("scorer 'light'", "file:line"), for the
  // watchdog's message about a call that never returns.
  void label_ref(int reference, std::string kind, std::string where);

  // The message of a failed protected call with status `status` (translates the heap cap).
  std::string failure_text(int status);

  // False once the VM is gone: objects holding references into it (Lua policies kept by a
  // ScenarioSpec that outlives the VM) check it before releasing them.
  std::shared_ptr<const bool> alive() const { return alive_; }

  // Chunk names of the embedded stdlib start with this; such frames are never "user code".
  static constexpr std::string_view kStdlibChunkPrefix = "@stdlib_lua/";

  struct LineTracker;  // state of the user-line hook (lua_vm.cpp)

  // Line `line` (1-based) of a chunk this VM loaded from text or file, by chunk name; empty when
  // unknown. Lets messages quote the line that defines a policy function.
  std::string source_line(const std::string& chunkname, int line) const;

 private:
  std::unique_ptr<LuaGuard> guard_;  // before L_: the allocator's state
  bool sandboxed_ = true;
  std::optional<double> scenario_timeout_;
  std::map<int, CallLabel> ref_labels_;                // by registry reference (node-stable)
  std::vector<const CallLabel*> ref_label_index_;      // the same, indexed for call_ref
  lua_State* L_;
  std::unique_ptr<LineTracker> tracker_;
  int handler_ref_ = -1;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::map<std::string, std::string> sources_;  // user chunks by chunk name
};

}  // namespace blis::bindings
