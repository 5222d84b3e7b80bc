#include "bindings/lua_vm.h"

#include <lua.hpp>

#include <fstream>
#include <sstream>

#include "bindings/embedded_stdlib.h"
#include "engine/core/error.h"

namespace blis::bindings {

namespace {

// Message handler: keeps the error's first line clean ("file:line: message") and appends the
// traceback only for runtime errors raised below the top level.
int traceback_handler(lua_State* L) {
  const char* message = lua_tostring(L, 1);
  if (message == nullptr) {
    lua_pushliteral(L, "(error object is not a string)");
    return 1;
  }
  luaL_traceback(L, L, message, 1);
  return 1;
}

std::string first_paragraph(const std::string& message) {
  // Tracebacks through the stdlib say nothing users can act on; keep the message proper.
  const auto cut = message.find("\nstack traceback:");
  return cut == std::string::npos ? message : message.substr(0, cut);
}

}  // namespace

LuaVm::LuaVm() : L_(luaL_newstate()) {
  if (L_ == nullptr) throw Error("cannot create a Lua state (out of memory)");
  luaL_openlibs(L_);
  lua_getglobal(L_, "package");
  lua_getfield(L_, -1, "preload");
  for (size_t i = 0; i < kEmbeddedStdlibCount; ++i) {
    const EmbeddedLua& m = kEmbeddedStdlib[i];
    if (luaL_loadbuffer(L_, m.source, m.size, m.chunkname) != 0) {
      const std::string message = lua_tostring(L_, -1);
      lua_close(L_);
      throw Error("embedded Lua library failed to load: " + message);
    }
    lua_setfield(L_, -2, m.module);
  }
  lua_pop(L_, 2);
}

LuaVm::~LuaVm() { lua_close(L_); }

void LuaVm::load(const std::string& source, const std::string& chunkname) {
  if (luaL_loadbuffer(L_, source.data(), source.size(), chunkname.c_str()) != 0) {
    const std::string message = lua_tostring(L_, -1);
    lua_pop(L_, 1);
    throw Error(message);
  }
}

void LuaVm::load_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read scenario file " + path);
  std::stringstream text;
  text << in.rdbuf();
  load(text.str(), "@" + path);
}

void LuaVm::call(int nargs, int nresults) {
  const int base = lua_gettop(L_) - nargs;
  lua_pushcfunction(L_, traceback_handler);
  lua_insert(L_, base);
  const int status = lua_pcall(L_, nargs, nresults, base);
  lua_remove(L_, base);
  if (status != 0) {
    const char* raw = lua_tostring(L_, -1);
    const std::string message = raw != nullptr ? raw : "(error object is not a string)";
    lua_pop(L_, 1);
    throw Error(first_paragraph(message));
  }
}

}  // namespace blis::bindings
