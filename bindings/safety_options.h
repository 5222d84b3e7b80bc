// The command-line switches of the sandbox and the run limits (docs/safety.md): --unsafe,
// --timeout, --point-timeout, --lua-instruction-limit, --lua-memory-limit. main() takes them
// out of the arguments once and stores them process-wide before any Lua state or thread exists;
// every LuaVm (the main one and each experiment worker's) reads them when it is created.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace blis::bindings {

// An honest scorer or generator step runs a few thousand instructions; this leaves four orders
// of magnitude for heavy ones while stopping an endless interpreted loop within about a second.
constexpr int64_t kDefaultLuaInstructions = 100'000'000;
constexpr int64_t kDefaultLuaMemoryMb = 1024;

struct SafetyOptions {
  bool unsafe = false;                       // --unsafe: no sandbox for user Lua code
  std::optional<int64_t> lua_instructions;   // --lua-instruction-limit N (per call into Lua)
  std::optional<int64_t> lua_memory_mb;      // --lua-memory-limit MB (per Lua state)
  std::optional<double> timeout_s;           // --timeout SECONDS (the whole run, wall clock)
  std::optional<double> point_timeout_s;     // --point-timeout SECONDS (each experiment point)
};

// The process-wide options (defaults until main() sets them).
SafetyOptions& safety_options();

// Takes the switches above out of `args` (both "--flag value" and "--flag=value"); what remains
// is left in order. Throws Error naming the flag for a malformed or out-of-range value.
SafetyOptions take_safety_flags(std::vector<std::string>& args);

// The lines describing these switches, for the usage texts.
const char* safety_flags_help();

// "5 s", "0.25 s": a duration as the user wrote it, for messages.
std::string seconds_text(double seconds);

}  // namespace blis::bindings
