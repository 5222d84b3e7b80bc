// Scenario tables (bindings/scenario_loader, scenario_table): blis.scenario{...} and the
// workload builders, spec_from_table, then config::resolve — everything a scenario file goes
// through before the simulation, which never starts here.
//
// The input is not Lua source (a fuzzed chunk could loop forever) but a Lua table literal in
// the syntax scenario files use, read by the small parser below, which builds the value with
// the C API: tables (`{ key = v, [k] = v, v }`), strings, numbers (with LuaJIT's LL/ULL
// suffixes), true/false/nil, `fn` for a Lua function `function() return 0 end`, and calls of
// blis.scenario, blis.workload.<kind> and blis.scorer with one table argument. Only those stdlib
// builders run, so every input ends quickly. A top-level table is passed to blis.scenario.
//
// Relative paths (model_configs/defaults.yaml, tests/fixtures/..., tests/lua/...) resolve from
// the repository root, as in the golden transcripts; the harness only reads them.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <lua.hpp>
#include <string>
#include <string_view>

#include "bindings/lua_vm.h"
#include "bindings/scenario_loader.h"
#include "engine/config/run_config.h"
#include "engine/core/error.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using blis::bindings::LuaVm;

// Thrown for input the literal syntax does not accept: the input is simply not interesting.
struct NotALiteral {};

class LiteralReader {
 public:
  LiteralReader(LuaVm& vm, std::string_view text) : vm_(vm), L_(vm.state()), text_(text) {}

  // Pushes the value the whole input denotes.
  void read_top() {
    read_value(0);
    skip_space();
    if (pos_ != text_.size()) throw NotALiteral{};
  }

 private:
  static constexpr int kMaxDepth = 40;  // nested tables; keeps the parser's own stack small

  static bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
  static bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

  void skip_space() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++pos_;
      } else if (text_.substr(pos_, 2) == "--") {  // a comment to the end of the line
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else {
        return;
      }
    }
  }

  bool peek(char c) {
    skip_space();
    return pos_ < text_.size() && text_[pos_] == c;
  }

  void expect(char c) {
    if (!peek(c)) throw NotALiteral{};
    ++pos_;
  }

  std::string_view read_name() {
    skip_space();
    if (pos_ >= text_.size() || !is_name_start(text_[pos_])) throw NotALiteral{};
    const size_t start = pos_;
    while (pos_ < text_.size() && is_name_char(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  // Lua evaluates the literal token itself: `return <number or string>` cannot run anything.
  void push_scalar(std::string_view token) {
    const std::string chunk = "return " + std::string(token);
    if (luaL_loadbuffer(L_, chunk.data(), chunk.size(), "=literal") != 0) {
      lua_pop(L_, 1);
      throw NotALiteral{};
    }
    vm_.call(0, 1);
  }

  void read_string() {
    const char quote = text_[pos_];
    const size_t start = pos_++;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      if (text_[pos_] == '\n' || text_[pos_] == '\r') throw NotALiteral{};
      pos_ += text_[pos_] == '\\' ? 2 : 1;
    }
    if (pos_ >= text_.size()) throw NotALiteral{};
    ++pos_;
    push_scalar(text_.substr(start, pos_ - start));
  }

  void read_number() {
    const size_t start = pos_;
    if (text_[pos_] == '-') ++pos_;
    while (pos_ < text_.size() && (is_name_char(text_[pos_]) || text_[pos_] == '.' ||
                                   ((text_[pos_] == '+' || text_[pos_] == '-') &&
                                    (text_[pos_ - 1] == 'e' || text_[pos_ - 1] == 'E' ||
                                     text_[pos_ - 1] == 'p' || text_[pos_ - 1] == 'P')))) {
      ++pos_;
    }
    push_scalar(text_.substr(start, pos_ - start));
  }

  // blis.scenario / blis.workload.<kind> / blis.scorer, called with the table that follows.
  void read_call(std::string_view first, int depth) {
    if (first != "blis") throw NotALiteral{};
    std::string path;
    while (peek('.')) {
      ++pos_;
      path += (path.empty() ? "" : ".") + std::string(read_name());
    }
    const bool allowed = path == "scenario" || path == "scorer" ||
                         (path.rfind("workload.", 0) == 0 && path.find('.', 9) == std::string::npos);
    if (!allowed) throw NotALiteral{};
    vm_.require("blis");
    size_t from = 0;
    for (size_t dot = path.find('.'); from <= path.size(); dot = path.find('.', from)) {
      const std::string part = path.substr(from, dot == std::string::npos ? std::string::npos : dot - from);
      lua_getfield(L_, -1, part.c_str());
      lua_remove(L_, -2);
      if (dot == std::string::npos) break;
      from = dot + 1;
    }
    if (!lua_isfunction(L_, -1)) throw NotALiteral{};
    if (!peek('{')) throw NotALiteral{};
    read_table(depth);
    vm_.call(1, 1);
  }

  void read_table(int depth) {
    if (depth >= kMaxDepth) throw NotALiteral{};
    expect('{');
    lua_newtable(L_);
    int next_index = 1;
    while (!peek('}')) {
      if (!lua_checkstack(L_, 8)) throw NotALiteral{};
      const size_t field_start = pos_;
      if (peek('[')) {
        ++pos_;
        read_value(depth + 1);
        expect(']');
        expect('=');
        read_value(depth + 1);
        if (lua_isnil(L_, -2) || (lua_isnumber(L_, -2) && lua_tonumber(L_, -2) != lua_tonumber(L_, -2))) {
          throw NotALiteral{};  // Lua refuses nil and NaN keys
        }
        lua_rawset(L_, -3);
      } else {
        skip_space();
        const size_t save = pos_;
        bool keyed = false;
        if (pos_ < text_.size() && is_name_start(text_[pos_])) {
          const std::string name(read_name());
          if (peek('=') && text_.substr(pos_, 2) != "==") {
            ++pos_;
            read_value(depth + 1);
            lua_setfield(L_, -2, name.c_str());
            keyed = true;
          } else {
            pos_ = save;
          }
        }
        if (!keyed) {
          read_value(depth + 1);
          lua_rawseti(L_, -2, next_index++);
        }
      }
      if (pos_ == field_start) throw NotALiteral{};
      if (peek(',') || peek(';')) {
        ++pos_;
      } else if (!peek('}')) {
        throw NotALiteral{};
      }
    }
    ++pos_;
  }

  void read_value(int depth) {
    skip_space();
    if (pos_ >= text_.size()) throw NotALiteral{};
    const char c = text_[pos_];
    if (c == '{') return read_table(depth);
    if (c == '"' || c == '\'') return read_string();
    if ((c >= '0' && c <= '9') || c == '-' || c == '.') return read_number();
    const std::string_view name = read_name();
    if (name == "true" || name == "false") return lua_pushboolean(L_, name == "true");
    if (name == "nil") return lua_pushnil(L_);
    if (name == "fn") return push_scalar("function() return 0 end");
    read_call(name, depth);
  }

  LuaVm& vm_;
  lua_State* L_;
  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (chdir(BLIS_SOURCE_DIR) != 0) std::abort();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  LuaVm vm;
  lua_State* L = vm.state();
  try {
    vm.require("blis");
    lua_setglobal(L, "blis");
    LiteralReader(vm, text).read_top();
    if (lua_istable(L, -1)) {  // a bare table: what blis.scenario was given
      vm.require("blis");
      lua_getfield(L, -1, "_loader");
      lua_getfield(L, -1, "is_scenario");
      lua_pushvalue(L, -4);
      vm.call(1, 1);
      const bool is_scenario = lua_toboolean(L, -1) != 0;
      lua_pop(L, 3);
      if (!is_scenario) {
        vm.require("blis");
        lua_getfield(L, -1, "scenario");
        lua_remove(L, -2);
        lua_insert(L, -2);
        vm.call(1, 1);
      }
    }
    if (!lua_istable(L, -1)) return 0;
    const blis::config::ScenarioSpec spec = blis::bindings::spec_from_table(L, -1, "fuzz");
    (void)blis::config::resolve(spec, blis::fuzz::discard_diagnostic);
  } catch (const NotALiteral&) {
  } catch (const blis::Error&) {
  }
  return 0;
}
