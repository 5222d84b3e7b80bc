#include "bindings/lua_yaml.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <lua.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/error.h"

namespace blis::bindings {

namespace {

YAML::Node plain_scalar(const std::string& text) {
  YAML::Node n(text);
  n.SetTag("?");  // resolved like an unquoted scalar in a file
  return n;
}

std::string number_text(double v) {
  if (std::isnan(v)) return ".nan";
  if (std::isinf(v)) return v > 0 ? ".inf" : "-.inf";
  if (v == std::floor(v) && std::fabs(v) < 9007199254740992.0) return fmt::format("{}", static_cast<int64_t>(v));
  return fmt::format("{:.17g}", v);
}

YAML::Node convert(lua_State* L, int index, const std::string& path, int depth) {
  if (depth > 64) throw Error(fmt::format("'{}' nests too deeply (a table that contains itself?)", path));
  if (index < 0 && index > LUA_REGISTRYINDEX) index = lua_gettop(L) + index + 1;
  switch (lua_type(L, index)) {
    case LUA_TNIL:
      return YAML::Node(YAML::NodeType::Null);
    case LUA_TBOOLEAN:
      return plain_scalar(lua_toboolean(L, index) != 0 ? "true" : "false");
    case LUA_TNUMBER:
      return plain_scalar(number_text(lua_tonumber(L, index)));
    case LUA_TSTRING: {
      YAML::Node n(std::string(lua_tostring(L, index)));
      n.SetTag("!");  // a string, even when it reads like a number
      return n;
    }
    case LUA_TTABLE:
      break;
    default:
      throw Error(fmt::format("'{}' is a {}, which a workload spec cannot hold", path, luaL_typename(L, index)));
  }
  // Collect the keys; an array is exactly the keys 1..n.
  std::vector<std::string> string_keys;
  std::vector<double> number_keys;
  lua_pushnil(L);
  while (lua_next(L, index) != 0) {
    lua_pop(L, 1);
    if (lua_type(L, -1) == LUA_TSTRING) string_keys.emplace_back(lua_tostring(L, -1));
    else if (lua_type(L, -1) == LUA_TNUMBER) number_keys.push_back(lua_tonumber(L, -1));
    else throw Error(fmt::format("'{}' has a {} key, which a workload spec cannot hold", path, luaL_typename(L, -1)));
  }
  const size_t n = lua_objlen(L, index);
  if (string_keys.empty() && number_keys.size() == n && n > 0) {
    YAML::Node seq(YAML::NodeType::Sequence);
    for (size_t i = 1; i <= n; ++i) {
      lua_rawgeti(L, index, static_cast<int>(i));
      seq.push_back(convert(L, -1, fmt::format("{}[{}]", path, i), depth + 1));
      lua_pop(L, 1);
    }
    return seq;
  }
  // Numeric keys (e.g. empirical PDF bins written as [64] = 0.5) become their text; an infinite
  // one (math.huge) is no token count, length or name a spec could mean.
  struct Key {
    std::string text;
    std::optional<double> number;  // the Lua key, when it is a number
  };
  std::vector<Key> keys;
  for (const std::string& k : string_keys) keys.push_back({k, std::nullopt});
  for (double k : number_keys) {
    if (!std::isfinite(k)) {
      throw Error(fmt::format("'{}' has the key {} (math.huge?), which is not a finite number: a workload spec's "
                              "keys are names or integers", path, k));
    }
    keys.push_back({number_text(k), k});
  }
  std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) { return a.text < b.text; });
  YAML::Node map(YAML::NodeType::Map);
  for (const Key& key : keys) {
    if (key.number) lua_pushnumber(L, *key.number); else lua_pushlstring(L, key.text.data(), key.text.size());
    lua_rawget(L, index);
    map[key.text] = convert(L, -1, path + "." + key.text, depth + 1);
    lua_pop(L, 1);
  }
  return map;
}

}  // namespace

YAML::Node yaml_from_lua(lua_State* L, int index, const std::string& path) { return convert(L, index, path, 0); }

}  // namespace blis::bindings
