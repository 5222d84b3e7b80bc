#include "bindings/safety_options.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "engine/core/error.h"

namespace blis::bindings {

SafetyOptions& safety_options() {
  static SafetyOptions options;
  return options;
}

namespace {

// Whole-string, locale-independent number reading.
std::optional<double> parse_double(const std::string& text) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<int64_t> parse_int(const std::string& text) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

}  // namespace

SafetyOptions take_safety_flags(std::vector<std::string>& args) {
  SafetyOptions o;
  std::vector<std::string> rest;
  const auto value_of = [&](size_t& i, const std::string& name) -> std::optional<std::string> {
    const std::string& arg = args[i];
    if (arg == "--" + name) {
      if (i + 1 >= args.size()) throw Error(fmt::format("--{} needs a value", name));
      return args[++i];
    }
    if (arg.rfind("--" + name + "=", 0) == 0) return arg.substr(name.size() + 3);
    return std::nullopt;
  };
  const auto seconds = [](const std::string& name, const std::string& v) {
    const auto s = parse_double(v);
    if (!s || *s <= 0 || *s > 1e9) {
      throw Error(fmt::format("--{} needs a number of seconds greater than 0, got \"{}\"", name, v));
    }
    return *s;
  };
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--unsafe") {
      o.unsafe = true;
    } else if (auto v = value_of(i, "timeout")) {
      o.timeout_s = seconds("timeout", *v);
    } else if (auto v = value_of(i, "point-timeout")) {
      o.point_timeout_s = seconds("point-timeout", *v);
    } else if (auto v = value_of(i, "lua-instruction-limit")) {
      const auto n = parse_int(*v);
      if (!n || *n < 1000 || *n > int64_t{1} << 50) {
        throw Error(fmt::format("--lua-instruction-limit needs a whole number from 1000 to 2^50, got \"{}\"", *v));
      }
      o.lua_instructions = *n;
    } else if (auto v = value_of(i, "lua-memory-limit")) {
      const auto n = parse_int(*v);
      if (!n || *n < 16 || *n > (int64_t{1} << 30)) {
        throw Error(fmt::format("--lua-memory-limit needs a number of MiB from 16 to 2^30, got \"{}\"", *v));
      }
      o.lua_memory_mb = *n;
    } else {
      rest.push_back(args[i]);
    }
  }
  args = std::move(rest);
  return o;
}

const char* safety_flags_help() {
  return "  --unsafe                   run the script's Lua code without the sandbox (os.execute, io.popen, file\n"
         "                             writes, ffi, debug, ...); only for scripts you trust (docs/safety.md)\n"
         "  --timeout SECONDS          stop the whole run after this much wall-clock time (exit 1)\n"
         "  --point-timeout SECONDS    experiments: fail a point that runs longer (default: --timeout)\n"
         "  --lua-instruction-limit N  interpreted Lua instructions one call into Lua may run (default 100000000)\n"
         "  --lua-memory-limit MB      cap on each Lua state's heap, in MiB (default 1024)\n";
}

std::string seconds_text(double seconds) { return fmt::format("{} s", seconds); }

}  // namespace blis::bindings
