// The sandbox user Lua code runs in (stdlib_lua/blis.sandbox.lua, docs/safety.md "Sandbox"):
// scenario files, experiment scripts and the modules they require get their own globals table
// without os.execute, io.popen, file writes, ffi, debug, package.loadlib, os.exit, ... and with
// reads limited to the script's folder, the folder above it and the working directory (the
// project: model_configs/, and the modules require finds there). The stdlib keeps the real
// globals. --unsafe (SafetyOptions) turns it off.
#pragma once

#include <string>

#include "bindings/lua_vm.h"

namespace blis::bindings {

// Gives the function on top of the stack (a user chunk loaded from `script_path`, or "" for
// text blis generated itself) the sandbox environment, unless the VM runs unsafe.
void sandbox_chunk(LuaVm& vm, const std::string& script_path);

// `sandbox = false` in a scenario: every blocked name reaches the real one from now on.
void open_sandbox(LuaVm& vm);

}  // namespace blis::bindings
