// `workload = function(gen) ... end`: a workload written in Lua. The function runs as a
// coroutine in the scenario's VM and is pulled lazily: each `gen:emit{...}` hands one request to
// the engine and suspends the generator until the engine wants the next, so memory stays bounded
// however long the run. Randomness comes only from the engine's streams (`gen:random()`,
// `gen:intn(n)`, ...), seeded from the scenario seed.
#pragma once

#include <memory>
#include <string>

#include "bindings/lua_vm.h"
#include "engine/workload/request_source.h"

namespace blis::bindings {

class LuaWorkload final : public workload::ExternalWorkload {
 public:
  // Takes the generator function on the Lua stack top (pops it); `where` is its file:line.
  LuaWorkload(LuaVm& vm, std::string where);
  ~LuaWorkload() override;
  std::unique_ptr<workload::RequestSource> open(int64_t seed) override;

 private:
  LuaVm& vm_;
  std::shared_ptr<const bool> vm_alive_;
  std::string where_;
  int function_ref_ = -1;
};

}  // namespace blis::bindings
