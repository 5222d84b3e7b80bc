#include "bindings/lua_source.h"

#include <fmt/format.h>

#include <cmath>

namespace blis::bindings {

std::string lua_string_literal(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        // Three digits always, so a following digit cannot extend the escape.
        if (byte < 0x20 || byte == 0x7f) out += fmt::format("\\{:03d}", byte);
        else out += c;
    }
  }
  out += '"';
  return out;
}

std::string lua_number_literal(double value) {
  if (std::isnan(value)) return "0/0";
  if (std::isinf(value)) return value > 0 ? "math.huge" : "-math.huge";
  return fmt::format("{}", value);  // shortest round-trip form: 100, 0.1, 1e+21, -0
}

std::string lua_integer_literal(int64_t value) {
  constexpr int64_t kExact = int64_t{1} << 53;
  if (value >= -kExact && value <= kExact) return fmt::format("{}", value);
  return fmt::format("\"{}\"", value);
}

std::string lua_number_list_literal(const std::vector<double>& values) {
  if (values.empty()) return "{}";
  std::string out = "{ ";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ", ";
    out += lua_number_literal(values[i]);
  }
  return out + " }";
}

LuaTableSource::LuaTableSource(std::string function) : function_(std::move(function)) {}
LuaTableSource::LuaTableSource(LuaTableSource&&) noexcept = default;
LuaTableSource& LuaTableSource::operator=(LuaTableSource&&) noexcept = default;
LuaTableSource::~LuaTableSource() = default;

void LuaTableSource::set(std::string_view dotted_path, std::string expression) {
  const auto dot = dotted_path.find('.');
  if (dot != std::string_view::npos) {
    table(dotted_path.substr(0, dot)).set(dotted_path.substr(dot + 1), std::move(expression));
    return;
  }
  Field& field = fields_[std::string(dotted_path)];
  field.table.reset();
  field.expression = std::move(expression);
}

LuaTableSource& LuaTableSource::table(std::string_view key, std::string function) {
  Field& field = fields_[std::string(key)];
  if (!field.table) field.table = std::make_unique<LuaTableSource>(std::move(function));
  return *field.table;
}

void LuaTableSource::set_table(std::string_view key, LuaTableSource table) {
  Field& field = fields_[std::string(key)];
  field.expression.clear();
  field.table = std::make_unique<LuaTableSource>(std::move(table));
}

std::string LuaTableSource::render(int indent) const {
  if (fields_.empty()) return function_ + "{}";
  const std::string inner(static_cast<std::size_t>(indent) + 2, ' ');
  std::string out = function_ + "{\n";
  for (const auto& [key, field] : fields_) {
    out += inner + key + " = " + (field.table ? field.table->render(indent + 2) : field.expression) + ",\n";
  }
  out += std::string(static_cast<std::size_t>(indent), ' ') + "}";
  return out;
}

}  // namespace blis::bindings
