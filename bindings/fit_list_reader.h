// Raw reads of the tables a blis fit list returns (bindings/fit_list.h), shared by the list's
// top level (fit_list.cpp) and its `observed` sources (fit_list_observed.cpp). Raw accesses only,
// so no user metamethod runs outside a protected call; every failure names LIST.lua and the key
// path.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <lua.hpp>
#include <string>
#include <vector>

#include "engine/config/scenario_where.h"
#include "engine/core/error.h"

namespace blis::bindings {

class FitListReader {
 public:
  FitListReader(lua_State* L, std::string file) : L_(L), file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    if (key.empty()) throw Error(fmt::format("{}: {}", file_, what));
    throw Error(fmt::format("{}: {} {}", file_, key, what));
  }

  // Pushes t[key] of the table at `index` (raw); returns its Lua type.
  int push_field(int index, const char* key) {
    lua_pushstring(L_, key);
    lua_rawget(L_, index < 0 ? index - 1 : index);
    return lua_type(L_, -1);
  }

  // Fails on a key of the table at `index` that is not a string of `known`.
  void check_keys(int index, const std::string& path, const std::vector<std::string>& known) {
    const int t = absolute(index);
    lua_pushnil(L_);
    while (lua_next(L_, t) != 0) {
      lua_pop(L_, 1);
      if (lua_type(L_, -1) != LUA_TSTRING) {
        const std::string k = lua_type(L_, -1) == LUA_TNUMBER ? fmt::format("{}", lua_tonumber(L_, -1)) : "?";
        lua_pop(L_, 1);
        fail(path, fmt::format("has an entry [{}]: only the keys {} are allowed", k, fmt::join(known, ", ")));
      }
      const std::string key = lua_tostring(L_, -1);
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        lua_pop(L_, 1);
        fail(join(path, key), fmt::format("is not a known key{}; known: {}", config::did_you_mean(key, known),
                                          fmt::join(known, ", ")));
      }
    }
  }

  // The length of the sequence at `index`; fails unless it is exactly t[1..n].
  size_t sequence_length(int index, const std::string& path) {
    const int t = absolute(index);
    const size_t n = lua_objlen(L_, t);
    size_t keys = 0;
    lua_pushnil(L_);
    while (lua_next(L_, t) != 0) {
      lua_pop(L_, 1);
      const bool ok = lua_type(L_, -1) == LUA_TNUMBER && lua_tonumber(L_, -1) >= 1 &&
                      lua_tonumber(L_, -1) <= static_cast<double>(n) &&
                      lua_tonumber(L_, -1) == std::floor(lua_tonumber(L_, -1));
      if (!ok) {
        lua_pop(L_, 1);
        fail(path, "must be a list { a, b, ... } with no named keys or holes");
      }
      ++keys;
    }
    if (keys != n) fail(path, "must be a list { a, b, ... } with no holes");
    return n;
  }

  std::string text(int index, const std::string& path) {
    if (lua_type(L_, index) != LUA_TSTRING) fail(path, fmt::format("must be a string, got {}", type_name(index)));
    size_t size = 0;
    const char* s = lua_tolstring(L_, index, &size);
    return std::string(s, size);
  }

  double positive(int index, const std::string& path, bool zero_ok = false) {
    if (lua_type(L_, index) != LUA_TNUMBER) fail(path, fmt::format("must be a number, got {}", type_name(index)));
    const double v = lua_tonumber(L_, index);
    if (!std::isfinite(v) || v < 0 || (!zero_ok && v == 0)) {
      fail(path, fmt::format("must be a finite number > 0, got {}", v));
    }
    return v;
  }

  void expect_table(int index, const std::string& path) {
    if (lua_type(L_, index) != LUA_TTABLE) fail(path, fmt::format("must be a table, got {}", type_name(index)));
  }

  std::string type_name(int index) const { return luaL_typename(L_, index); }
  int absolute(int index) const { return index > 0 ? index : lua_gettop(L_) + index + 1; }
  static std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }
  lua_State* state() const { return L_; }

 private:
  lua_State* L_;
  std::string file_;
};

}  // namespace blis::bindings
