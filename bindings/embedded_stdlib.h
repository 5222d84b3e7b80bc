// The Lua standard library (stdlib_lua/*.lua) compiled into the binary. The table is generated
// at build time by scripts/embed_lua.cmake; LuaVm registers every entry in package.preload.
#pragma once

#include <cstddef>

namespace blis::bindings {

struct EmbeddedLua {
  const char* module;          // require() name: the file name without ".lua" ("blis", "blis.schema")
  const char* chunkname;       // "@stdlib_lua/blis.lua": errors then read "stdlib_lua/blis.lua:42: ..."
  const unsigned char* bytes;  // the file's bytes, unchanged
  std::size_t size;
};

extern const EmbeddedLua kEmbeddedStdlib[];
extern const std::size_t kEmbeddedStdlibCount;

}  // namespace blis::bindings
