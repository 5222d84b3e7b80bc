#include "bindings/universal_flags.h"

#include <fmt/format.h>

#include <algorithm>

#include "bindings/scenario_table_reader.h"
#include "engine/core/error.h"

namespace blis::bindings {

namespace {

// The table. The scenario keys are documented in docs/scenario-reference.md.
constexpr UniversalFlag kFlags[] = {
    {"seed", "seed", UniversalKind::kInteger, "N", "random seed of the run (scenario key seed)"},
    {"horizon", "horizon_us", UniversalKind::kInteger, "US",
     "stop at this simulated time, in microseconds (scenario key horizon_us)", 0},
    {"results-path", "results_path", UniversalKind::kString, "FILE",
     "also write the results JSON to FILE (scenario key results_path)"},
    {"format", "format", UniversalKind::kString, "NAME",
     "report on stdout: human, json or reference (scenario key format)"},
    {"requests-csv", "export.requests_csv", UniversalKind::kString, "FILE",
     "one CSV row per request (scenario key export.requests_csv)"},
    {"timeseries", "export.timeseries", UniversalKind::kString, "FILE",
     "time-series CSV rows per instance (scenario key export.timeseries)"},
    {"timeseries-interval-us", "export.timeseries_interval_us", UniversalKind::kInteger, "US",
     "µs of simulated time between rows (export.timeseries_interval_us)", 1},
    {"html", "export.html", UniversalKind::kString, "FILE",
     "an HTML report with plots (scenario key export.html)"},
};

const char* kind_text(UniversalKind kind) {
  switch (kind) {
    case UniversalKind::kInteger: return "an integer";
    case UniversalKind::kString: return "a value";
  }
  return "a value";
}

// Pushes the value `text` stands for, or throws.
void push_value(lua_State* L, const UniversalFlag& flag, const std::string& text, const std::string& origin) {
  switch (flag.kind) {
    case UniversalKind::kInteger: {
      // A decimal string: the scenario reader takes int64s beyond 2^53 in that form, exactly.
      const std::optional<int64_t> value = parse_decimal_int64(text);
      if (!value) {
        throw Error(fmt::format("{}: invalid value '{}' for --{}: expected an integer in the int64 range", origin,
                                text, flag.name));
      }
      if (*value < flag.minimum) {
        throw Error(fmt::format("{}: invalid value '{}' for --{}: must be >= {}", origin, text, flag.name,
                                flag.minimum));
      }
      lua_pushlstring(L, text.data(), text.size());
      return;
    }
    case UniversalKind::kString:
      lua_pushlstring(L, text.data(), text.size());
      return;
  }
}

}  // namespace

std::span<const UniversalFlag> universal_flags() { return kFlags; }

void set_universal_flag(lua_State* L, int index, const UniversalFlag& flag, const std::optional<std::string>& text,
                        const std::string& origin) {
  if (!text) {
    throw Error(fmt::format("{}: --{} needs {} (--{} {} or --{}={})", origin, flag.name, kind_text(flag.kind),
                            flag.name, flag.value_name, flag.name, flag.value_name));
  }
  const int top = lua_gettop(L);
  lua_pushvalue(L, index);
  // Walk to the table holding the last part of the key, making the tables on the way.
  std::string_view rest = flag.key;
  for (std::size_t dot = rest.find('.'); dot != std::string_view::npos; dot = rest.find('.')) {
    const std::string part(rest.substr(0, dot));
    lua_getfield(L, -1, part.c_str());
    if (lua_isnil(L, -1)) {
      lua_pop(L, 1);
      lua_newtable(L);
      lua_pushvalue(L, -1);
      lua_setfield(L, -3, part.c_str());
    } else if (!lua_istable(L, -1)) {
      lua_settop(L, top);
      throw Error(fmt::format("{}: --{} sets scenario key '{}', but '{}' is not a table", origin, flag.name,
                              flag.key, part));
    }
    lua_replace(L, -2);
    rest = rest.substr(dot + 1);
  }
  try {
    push_value(L, flag, *text, origin);
  } catch (...) {
    lua_settop(L, top);
    throw;
  }
  lua_setfield(L, -2, std::string(rest).c_str());
  lua_settop(L, top);
}

std::string universal_flags_help() {
  std::size_t width = 0;
  for (const UniversalFlag& flag : kFlags) {
    width = std::max(width, std::string_view(flag.name).size() + std::string_view(flag.value_name).size() + 3);
  }
  std::string out =
      "universal flags (every scenario file takes them; each sets its scenario key after the script ran;\n"
      "a parameter the script declares with the same name takes the value instead):\n";
  for (const UniversalFlag& flag : kFlags) {
    const std::string left = fmt::format("--{} {}", flag.name, flag.value_name);
    out += fmt::format("  {:<{}}   {}\n", left, width, flag.help);
  }
  return out;
}

}  // namespace blis::bindings
