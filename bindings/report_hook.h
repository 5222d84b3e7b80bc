// A scenario's `report = function(results) ... end`: called once after the run with the run as
// plain Lua data (metrics blocks, per-request outcomes, the decision trace), after blis printed
// its own report. Whatever it prints goes after that report.
#pragma once

#include "bindings/lua_vm.h"

struct lua_State;
#include "engine/metrics/run_results.h"

namespace blis::bindings {

// Takes the function on the stack top (pops it) as the VM's report hook.
void set_report_hook(LuaVm& vm);
bool has_report_hook(LuaVm& vm);
// Pushes the run as the Lua table a report hook receives (docs/scripting.md#report-hooks).
void push_run_results(lua_State* L, const metrics::RunResults& results);

// Calls the hook. Throws Error "report hook (file:line) failed: ..." when it fails.
void call_report_hook(LuaVm& vm, const metrics::RunResults& results);

}  // namespace blis::bindings
