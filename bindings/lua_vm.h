// One LuaJIT state, owned RAII-style: standard libraries opened, the embedded stdlib
// registered in package.preload, and every call into Lua protected with a traceback handler
// (lua-embedding.md rules 1, 2 and 6). Lua failures become blis::Error("file:line: message").
#pragma once

#include <string>

struct lua_State;

namespace blis::bindings {

class LuaVm {
 public:
  LuaVm();
  ~LuaVm();
  LuaVm(const LuaVm&) = delete;
  LuaVm& operator=(const LuaVm&) = delete;

  lua_State* state() const { return L_; }

  // Loads a chunk (chunkname "@path" names a file in messages) and pushes its function.
  void load(const std::string& source, const std::string& chunkname);
  void load_file(const std::string& path);
  // Calls the function below `nargs` arguments on the stack, leaving `nresults` results.
  void call(int nargs, int nresults);

 private:
  lua_State* L_;
};

}  // namespace blis::bindings
