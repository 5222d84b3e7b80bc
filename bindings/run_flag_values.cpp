#include "bindings/run_flag_values.h"

#include <fmt/format.h>

#include "bindings/lua_source.h"
#include "engine/core/error.h"
#include "engine/core/go_strconv.h"

namespace blis::bindings {

namespace go = core::go;

namespace {


[[noreturn]] void invalid_argument(std::string_view value, const FlagDef& flag, const std::string& why) {
  throw Error(fmt::format("invalid argument {} for {} flag: {}", go::quote(value),
                          go::quote(std::string("--") + flag.name), why));
}

}  // namespace

// pflag's Value.Set for each flag type.
void set_flag(FlagValues& values, const FlagDef& flag, std::string_view text) {
  switch (flag.type) {
    case FlagType::kString:
      values[flag.name] = std::string(text);
      return;
    case FlagType::kInt: {
      int64_t v = 0;
      if (const auto e = go::parse_int(text, v); e != go::NumError::kNone) {
        invalid_argument(text, flag, go::num_error_text("ParseInt", text, e));
      }
      values[flag.name] = v;
      return;
    }
    case FlagType::kFloat: {
      double v = 0;
      if (const auto e = go::parse_float(text, v); e != go::NumError::kNone) {
        invalid_argument(text, flag, go::num_error_text("ParseFloat", text, e));
      }
      values[flag.name] = v;
      return;
    }
    case FlagType::kBool: {
      bool v = false;
      if (const auto e = go::parse_bool(text, v); e != go::NumError::kNone) {
        invalid_argument(text, flag, go::num_error_text("ParseBool", text, e));
      }
      values[flag.name] = v;
      return;
    }
    case FlagType::kFloatList: {
      // strings.Split(value, ","), no trimming; the first occurrence replaces the default and
      // later ones append (pflag float64SliceValue.Set).
      std::vector<double> parsed;
      std::size_t start = 0;
      while (true) {
        const std::size_t comma = text.find(',', start);
        const std::string_view item = text.substr(start, comma == std::string_view::npos ? comma : comma - start);
        double v = 0;
        if (const auto e = go::parse_float(item, v); e != go::NumError::kNone) {
          invalid_argument(text, flag, go::num_error_text("ParseFloat", item, e));
        }
        parsed.push_back(v);
        if (comma == std::string_view::npos) break;
        start = comma + 1;
      }
      auto it = values.find(flag.name);
      if (it == values.end()) {
        values[flag.name] = std::move(parsed);
      } else {
        auto& list = std::get<std::vector<double>>(it->second);
        list.insert(list.end(), parsed.begin(), parsed.end());
      }
      return;
    }
  }
}

std::string literal(const FlagValue& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) return lua_string_literal(v);
        else if constexpr (std::is_same_v<T, int64_t>) return lua_integer_literal(v);
        else if constexpr (std::is_same_v<T, double>) return lua_number_literal(v);
        else if constexpr (std::is_same_v<T, bool>) return v ? "true" : "false";
        else return lua_number_list_literal(v);
      },
      value);
}

const std::string* string_value(const FlagValues& values, const char* name) {
  const auto it = values.find(name);
  return it == values.end() ? nullptr : &std::get<std::string>(it->second);
}

}  // namespace blis::bindings
