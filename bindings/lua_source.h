// Writing Lua source text: literals that read back bit-for-bit, and table constructors printed
// with sorted keys. `blis run` builds its scenario as Lua source with these, so the scenario it
// runs and the one --print-scenario shows are the same text.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace blis::bindings {

// A Lua string literal; control bytes as \ddd escapes, other bytes unchanged.
std::string lua_string_literal(std::string_view text);
// The shortest decimal that reads back as exactly `value`; math.huge, -math.huge, 0/0 otherwise.
std::string lua_number_literal(double value);
// A decimal integer; beyond ±2^53, where a Lua number would round, a decimal string literal
// (the scenario schema accepts integers in either form).
std::string lua_integer_literal(int64_t value);
std::string lua_number_list_literal(const std::vector<double>& values);

// A table constructor, optionally preceded by a function (`blis.workload.preset{...}`).
class LuaTableSource {
 public:
  explicit LuaTableSource(std::string function = {});
  LuaTableSource(LuaTableSource&&) noexcept;
  LuaTableSource& operator=(LuaTableSource&&) noexcept;
  ~LuaTableSource();

  // Sets `dotted.path` (nested tables created on demand) to a Lua expression.
  void set(std::string_view dotted_path, std::string expression);
  // The nested table at `key`, created (with `function`) if absent.
  LuaTableSource& table(std::string_view key, std::string function = {});
  // Sets `key` to a table built elsewhere.
  void set_table(std::string_view key, LuaTableSource table);
  bool empty() const { return fields_.empty(); }

  // One field per line, keys in byte order, nested tables indented by two spaces.
  std::string render(int indent = 0) const;

 private:
  struct Field {
    std::string expression;
    std::unique_ptr<LuaTableSource> table;
  };
  std::string function_;
  std::map<std::string, Field, std::less<>> fields_;
};

}  // namespace blis::bindings
