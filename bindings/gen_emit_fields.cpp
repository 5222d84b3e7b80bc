#include "bindings/gen_emit_fields.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <lua.hpp>

#include "engine/core/error.h"

namespace blis::bindings::gen_emit {

const std::vector<std::string> kEmitKeys = {"accumulate",    "at_us",   "client",    "follow_ups", "input",
                                            "input_tokens",  "output",  "output_tokens", "prefix_group",
                                            "prefix_length", "session", "slo_class", "streaming", "tenant"};
const std::vector<std::string> kFollowUpKeys = {"after_us", "input", "input_tokens", "output", "output_tokens"};

namespace {

// blis.util.closest(word, candidates), or "" when nothing is close. Reads package.loaded through
// the registry: the scenario may have shadowed `require`.
std::string closest(lua_State* L, const std::string& word, const std::vector<std::string>& candidates) {
  lua_getfield(L, LUA_REGISTRYINDEX, "_LOADED");
  lua_getfield(L, -1, "blis.util");
  lua_remove(L, -2);
  if (lua_type(L, -1) != LUA_TTABLE) {  // blis.util is always loaded with the blis module
    lua_pop(L, 1);
    return "";
  }
  lua_getfield(L, -1, "closest");
  lua_remove(L, -2);
  lua_pushlstring(L, word.data(), word.size());
  lua_createtable(L, static_cast<int>(candidates.size()), 0);
  for (size_t i = 0; i < candidates.size(); ++i) {
    lua_pushlstring(L, candidates[i].data(), candidates[i].size());
    lua_rawseti(L, -2, static_cast<int>(i + 1));
  }
  std::string hint;
  if (lua_pcall(L, 2, 1, 0) == 0 && lua_type(L, -1) == LUA_TSTRING) hint = lua_tostring(L, -1);
  lua_pop(L, 1);
  return hint;
}

}  // namespace

double number_field(lua_State* L, int t, const char* key, bool required, double fallback) {
  lua_getfield(L, t, key);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    if (required) throw Error(fmt::format("'{}' is required", key));
    return fallback;
  }
  if (lua_type(L, -1) != LUA_TNUMBER) throw Error(fmt::format("'{}' must be a number, got {}", key, luaL_typename(L, -1)));
  const double v = lua_tonumber(L, -1);
  lua_pop(L, 1);
  return v;
}

std::string string_field(lua_State* L, int t, const char* key) {
  lua_getfield(L, t, key);
  std::string v;
  if (lua_type(L, -1) == LUA_TSTRING) v = lua_tostring(L, -1);
  else if (!lua_isnil(L, -1)) throw Error(fmt::format("'{}' must be a string, got {}", key, luaL_typename(L, -1)));
  lua_pop(L, 1);
  return v;
}

int64_t count_of(double v, const std::string& key) {
  if (!(v >= 0) || v != std::floor(v)) throw Error(fmt::format("'{}' must be a whole number >= 0", key));
  if (v > 1e12) throw Error(fmt::format("'{}' is {:.0f}; the limit is 1e12", key, v));  // sums stay in int64
  return static_cast<int64_t>(v);
}

int64_t token_count_of(double v, const std::string& key) {
  if (!(v >= 0) || v != std::floor(v)) throw Error(fmt::format("'{}' must be a whole number >= 0", key));
  if (v > static_cast<double>(kMaxTokensPerRequest)) {
    throw Error(fmt::format("'{}' is {:.0f} tokens; the limit is {} tokens per request (docs/safety.md)", key, v,
                            kMaxTokensPerRequest));
  }
  return static_cast<int64_t>(v);
}

void check_tokens(int64_t n, const std::string& key, const char* verb) {
  if (n > kMaxTokensPerRequest) {
    throw Error(fmt::format("'{}' {} {} tokens; the limit is {} tokens per request (docs/safety.md)", key, verb, n,
                            kMaxTokensPerRequest));
  }
}

void check_keys(lua_State* L, int t, const std::vector<std::string>& known, const std::string& where) {
  std::vector<std::string> unknown;
  lua_pushnil(L);
  while (lua_next(L, t) != 0) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING) {
      const std::string key = lua_type(L, -1) == LUA_TNUMBER ? fmt::format("[{}]", lua_tonumber(L, -1))
                                                             : std::string("a ") + luaL_typename(L, -1) + " key";
      lua_pop(L, 1);
      throw Error(fmt::format("{}{}: fields are named (at_us = ..., input_tokens = ..., ...), not positional", where,
                              key));
    }
    const std::string key = lua_tostring(L, -1);
    if (std::find(known.begin(), known.end(), key) == known.end()) unknown.push_back(key);
  }
  if (unknown.empty()) return;
  std::sort(unknown.begin(), unknown.end());
  std::string message = fmt::format("unknown key '{}{}'", where, unknown.front());
  const std::string hint = closest(L, unknown.front(), known);
  if (!hint.empty()) message += fmt::format(" (did you mean '{}{}'?)", where, hint);
  else message += fmt::format(" (expected one of: {})", fmt::join(known, ", "));
  throw Error(message);
}

}  // namespace blis::bindings::gen_emit
