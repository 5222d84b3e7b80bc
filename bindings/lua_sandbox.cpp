#include "bindings/lua_sandbox.h"


#include <filesystem>
#include <lua.hpp>
#include <system_error>
#include <vector>

#include "engine/core/error.h"

namespace blis::bindings {

namespace {

namespace fs = std::filesystem;

// The path as the file system resolves it (symlinks followed, "." and ".." gone), or "" when
// that cannot be worked out.
std::string resolved(const std::string& path) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(path, ec);
  if (ec) return "";
  const fs::path canonical = fs::weakly_canonical(absolute, ec);
  return ec ? "" : canonical.lexically_normal().string();
}

bool inside(const std::string& path, const std::string& root) {
  if (root.empty() || path.size() < root.size() || path.compare(0, root.size(), root) != 0) return false;
  return path.size() == root.size() || path[root.size()] == '/' || root.back() == '/';
}

// may_read(path) -> true | false, why. Upvalue 1: the list of readable folders (resolved).
int may_read(lua_State* L) {
  const std::string path = luaL_checkstring(L, 1);
  const std::string target = resolved(path);
  const size_t n = lua_objlen(L, lua_upvalueindex(1));
  for (size_t i = 1; i <= n; ++i) {
    lua_rawgeti(L, lua_upvalueindex(1), static_cast<int>(i));
    const std::string root = lua_tostring(L, -1);
    lua_pop(L, 1);
    if (!target.empty() && inside(target, root)) {
      lua_pushboolean(L, 1);
      return 1;
    }
  }
  lua_pushboolean(L, 0);
  lua_pushliteral(L, "reading outside the script's folder, the folder above it and the working directory (with the "
                     "symlinks in it) is blocked by the blis sandbox");
  return 2;
}

}  // namespace

void sandbox_chunk(LuaVm& vm, const std::string& script_path) {
  if (!vm.sandboxed()) return;
  lua_State* L = vm.state();
  const fs::path dir = fs::path(script_path).parent_path();
  const std::string here = dir.empty() ? "." : dir.string();
  const std::string parent = (dir.empty() ? fs::path("..") : dir / "..").string();
  std::vector<std::string> roots;
  if (!script_path.empty()) {
    roots.push_back(resolved(here));
    roots.push_back(resolved(parent));
  }
  roots.push_back(resolved("."));  // the project blis runs in: model_configs/, and what require finds
  // A symlink the user keeps in the working directory (a data folder linked into a project, a
  // test's linked copy of the checkout) is part of it. A script cannot make one: the sandbox
  // allows no writes. Only direct children count, and each is resolved, so "link/../x" still
  // resolves to where the kernel would go and is judged there.
  std::error_code ec;
  for (fs::directory_iterator it(".", ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_symlink(ec)) roots.push_back(resolved(it->path().string()));
  }
  vm.require("blis.sandbox");
  lua_getfield(L, -1, "new");
  lua_createtable(L, 0, 1);
  lua_createtable(L, static_cast<int>(roots.size()), 0);
  int k = 0;
  for (const std::string& root : roots) {
    if (root.empty()) continue;
    lua_pushlstring(L, root.data(), root.size());
    lua_rawseti(L, -2, ++k);
  }
  lua_pushcclosure(L, may_read, 1);
  lua_setfield(L, -2, "may_read");
  vm.call(1, 1);       // blis.sandbox.new{...} -> env
  lua_replace(L, -2);  // drop the module
  // `blis` is a global of scenario files.
  vm.require("blis");
  lua_setfield(L, -2, "blis");
  if (lua_setfenv(L, -2) == 0) throw Error("internal error: cannot give a scenario chunk its sandbox");
}

void open_sandbox(LuaVm& vm) {
  if (!vm.sandboxed()) return;
  vm.require("blis.sandbox");
  lua_getfield(vm.state(), -1, "open");
  vm.call(0, 0);
  lua_pop(vm.state(), 1);
}

}  // namespace blis::bindings
