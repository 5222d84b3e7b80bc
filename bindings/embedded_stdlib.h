// The Lua standard library compiled into the binary (generated from stdlib_lua/ at build time).
#pragma once

#include <cstddef>

namespace blis::bindings {

struct EmbeddedLua {
  const char* module;     // require() name, e.g. "blis"
  const char* chunkname;  // "@stdlib_lua/blis.lua", so errors name the source file
  const char* source;
  size_t size;
};

extern const EmbeddedLua kEmbeddedStdlib[];
extern const size_t kEmbeddedStdlibCount;

}  // namespace blis::bindings
