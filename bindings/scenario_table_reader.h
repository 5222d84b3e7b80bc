// Defensive, raw reads of a blis.scenario table (and its sub-tables) for spec_from_table
// (scenario_table.cpp): every type checked, no user metamethod run outside a protected call.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <lua.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/error.h"

namespace blis::bindings {

// A Lua value for messages: "number 3", "string \"x\"", "boolean true", or its type name.
inline std::string describe_lua_value(lua_State* L, int index) {
  switch (lua_type(L, index)) {
    case LUA_TNUMBER: return fmt::format("number {}", lua_tonumber(L, index));
    case LUA_TSTRING: return fmt::format("string \"{}\"", lua_tostring(L, index));
    case LUA_TBOOLEAN: return lua_toboolean(L, index) != 0 ? "boolean true" : "boolean false";
    default: return luaL_typename(L, index);
  }
}

// A decimal integer string ("-12", "9223372036854775807") within int64.
inline std::optional<int64_t> parse_decimal_int64(std::string_view text) {
  const std::string_view digits = !text.empty() && text[0] == '-' ? text.substr(1) : text;
  if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Reads the fields of one Lua table of a scenario, remembering which keys were asked for, so
// that every key nobody read can be reported as unknown. Failures name the scenario key path and,
// when known, the file:line that set it.
class ScenarioTableReader {
 public:
  ScenarioTableReader(lua_State* L, int index, std::string path, const std::string& origin,
              const std::map<std::string, std::string>* sites = nullptr)
      : L_(L), index_(index > 0 || index <= LUA_REGISTRYINDEX ? index : lua_gettop(L) + index + 1),
        path_(std::move(path)), origin_(origin), sites_(sites) {}

  [[noreturn]] void fail(std::string_view key, std::string_view what) const {
    throw Error(fmt::format("{}: scenario key '{}' {}", site(full(key)), full(key), what));
  }

  // The same, blamed on the line of the key `near` inside it when the source shows one.
  [[noreturn]] void fail_near(std::string_view key, std::string_view near, std::string_view what) const {
    const std::string inner = near.empty() ? full(key) : full(key) + "." + std::string(near);
    throw Error(fmt::format("{}: scenario key '{}' {}", site(inner), full(key), what));
  }

  std::optional<std::string> string(const char* key) {
    if (!push(key)) return std::nullopt;
    if (lua_type(L_, -1) != LUA_TSTRING) fail_here(key, "a string");
    size_t length = 0;
    const char* text = lua_tolstring(L_, -1, &length);
    std::string value(text, length);
    lua_pop(L_, 1);
    return value;
  }

  std::optional<double> number(const char* key) {
    if (!push(key)) return std::nullopt;
    if (lua_type(L_, -1) != LUA_TNUMBER) fail_here(key, "a number");
    const double value = lua_tonumber(L_, -1);
    lua_pop(L_, 1);
    return value;
  }

  // An exact integer given as a number, or as a decimal string beyond 2^53 (blis.schema
  // normalizes int64 cdata and large integers to that form).
  std::optional<int64_t> integer(const char* key) {
    if (!push(key)) return std::nullopt;
    std::optional<int64_t> value;
    if (lua_type(L_, -1) == LUA_TNUMBER) {
      const double v = lua_tonumber(L_, -1);
      if (std::isfinite(v) && v == std::floor(v) && v >= -9223372036854775808.0 && v < 9223372036854775808.0) {
        value = static_cast<int64_t>(v);
      }
    } else if (lua_type(L_, -1) == LUA_TSTRING) {
      value = parse_decimal_int64(lua_tostring(L_, -1));
    }
    if (!value) fail_here(key, "an integer in the int64 range");
    lua_pop(L_, 1);
    return value;
  }

  std::optional<bool> boolean(const char* key) {
    if (!push(key)) return std::nullopt;
    if (lua_type(L_, -1) != LUA_TBOOLEAN) fail_here(key, "a boolean");
    const bool value = lua_toboolean(L_, -1) != 0;
    lua_pop(L_, 1);
    return value;
  }

  std::optional<std::vector<double>> numbers(const char* key) {
    if (!push(key)) return std::nullopt;
    if (lua_type(L_, -1) != LUA_TTABLE) fail_here(key, "a list of numbers");
    const int n = static_cast<int>(lua_objlen(L_, -1));
    std::vector<double> values;
    for (int i = 1; i <= n; ++i) {
      lua_rawgeti(L_, -1, i);
      if (lua_type(L_, -1) != LUA_TNUMBER) {
        fail(fmt::format("{}[{}]", key, i), "must be a number, got " + describe_lua_value(L_, -1));
      }
      values.push_back(lua_tonumber(L_, -1));
      lua_pop(L_, 1);
    }
    int entries = 0;
    lua_pushnil(L_);
    while (lua_next(L_, -2) != 0) {
      lua_pop(L_, 1);
      ++entries;
    }
    if (entries != n) fail(key, "must be a list of numbers (it has keys other than 1.." + std::to_string(n) + ")");
    lua_pop(L_, 1);
    return values;
  }

  // Runs body(reader of t[key]) when t[key] is present; it must be a table.
  template <class Body>
  void table(const char* key, Body body) {
    if (!push(key)) return;
    if (lua_type(L_, -1) != LUA_TTABLE) fail_here(key, "a table");
    ScenarioTableReader nested(L_, lua_gettop(L_), full(key), origin_, sites_);
    body(nested);
    nested.reject_unknown_keys();
    lua_pop(L_, 1);
  }

  // Pushes t[key] (raw) for the caller to inspect, or nothing (false) when it is nil. The key
  // counts as read. The caller pops it.
  bool push_raw(const char* key) { return push(key); }
  lua_State* state() const { return L_; }
  const std::string& origin() const { return origin_; }
  std::string path_of(std::string_view key) const { return full(key); }

  // Every key of the table must have been read: anything else is unknown to the engine.
  void reject_unknown_keys() const {
    std::vector<std::string> unknown;
    lua_pushnil(L_);
    while (lua_next(L_, index_) != 0) {
      lua_pop(L_, 1);  // the value; the key stays for lua_next
      if (lua_type(L_, -1) == LUA_TSTRING) {
        std::string key = lua_tostring(L_, -1);
        if (std::find(read_.begin(), read_.end(), key) == read_.end()) unknown.push_back(std::move(key));
      } else if (lua_type(L_, -1) == LUA_TNUMBER) {
        unknown.push_back(fmt::format("[{}]", lua_tonumber(L_, -1)));
      } else {
        unknown.push_back(fmt::format("[{}]", luaL_typename(L_, -1)));
      }
    }
    if (unknown.empty()) return;
    std::sort(unknown.begin(), unknown.end());  // lua_next order is not stable (P2)
    throw Error(fmt::format("{}: unknown scenario key '{}'", site(full(unknown.front())), full(unknown.front())));
  }

 private:
  // "file:line" of the key (or of the nearest enclosing key, or of the call), else the origin.
  std::string site(std::string key) const {
    if (sites_ == nullptr) return origin_;
    while (true) {
      if (const auto it = sites_->find(key); it != sites_->end()) return it->second;
      if (key.empty()) return origin_;
      const size_t cut = key.find_last_of(".[");
      key = cut == std::string::npos ? std::string() : key.substr(0, cut);
    }
  }

  std::string full(std::string_view key) const {
    if (key.empty()) return path_;
    if (path_.empty()) return std::string(key);
    return key.front() == '[' ? path_ + std::string(key) : path_ + "." + std::string(key);
  }

  // Pushes t[key] (raw); false, with nothing pushed, when it is nil.
  bool push(const char* key) {
    read_.emplace_back(key);
    lua_pushstring(L_, key);
    lua_rawget(L_, index_);
    if (lua_isnil(L_, -1)) {
      lua_pop(L_, 1);
      return false;
    }
    return true;
  }

  [[noreturn]] void fail_here(const char* key, std::string_view expected) const {
    fail(key, fmt::format("must be {}, got {}", expected, describe_lua_value(L_, -1)));
  }

  lua_State* L_;
  int index_;
  std::string path_;
  const std::string& origin_;
  const std::map<std::string, std::string>* sites_;
  std::vector<std::string> read_;
};

}  // namespace blis::bindings
