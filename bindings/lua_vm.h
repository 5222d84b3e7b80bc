// One LuaJIT state, owned RAII-style (lua-embedding.md rule 2): standard libraries opened, every
// embedded stdlib module registered in package.preload (rule 1), and every call into Lua made
// through one protected-call helper with a message handler (rule 6, pitfall P1). A Lua failure
// becomes a blis::Error whose first line is "file:line: message".
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

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
  void call_user_code(int nargs, int nresults);

  // Suspends the user-line tracking of call_user_code while native work that user code started
  // runs (a simulation an experiment script asked for): the per-line hook would keep LuaJIT
  // from compiling the policies that simulation calls. Restores it on destruction.
  class UntrackedSection {
   public:
    explicit UntrackedSection(LuaVm& vm);
    ~UntrackedSection();
    UntrackedSection(const UntrackedSection&) = delete;
    UntrackedSection& operator=(const UntrackedSection&) = delete;

   private:
    LuaVm& vm_;
    bool was_active_;
  };

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
  lua_State* L_;
  std::unique_ptr<LineTracker> tracker_;
  int handler_ref_ = -1;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::map<std::string, std::string> sources_;  // user chunks by chunk name
};

}  // namespace blis::bindings
