#include "bindings/fit_list_args.h"

#include <fmt/format.h>

#include <filesystem>
#include <string_view>

#include "engine/core/error.h"

namespace blis::bindings {

namespace {

// `blis run` flags whose value names an input file or folder.
constexpr const char* kPathFlags[] = {"workload-spec",      "workload-traces-filepath", "workload-trace",
                                      "workload-trace-data", "workload-inference-perf",  "model-config-folder",
                                      "hardware-config",    "defaults-filepath",        "policy-config",
                                      "profile"};
// Flags that would write files on every evaluation, or end the run before it simulates.
constexpr const char* kOutputFlags[] = {"results-path", "export-workload", "export-workload-data", "print-scenario",
                                        "help"};

bool one_of(std::string_view name, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    if (name == n) return true;
  }
  return false;
}

template <size_t N>
bool in(std::string_view name, const char* const (&names)[N]) {
  for (const char* n : names) {
    if (name == n) return true;
  }
  return false;
}

}  // namespace

std::string list_relative_path(const std::string& list_folder, const std::string& value) {
  if (list_folder.empty() || value.empty() || std::filesystem::path(value).is_absolute()) return value;
  return (std::filesystem::path(list_folder) / value).lexically_normal().string();
}

std::vector<std::string> checked_fit_args(const std::vector<std::string>& args, const std::string& list_folder,
                                          const std::string& where) {
  std::vector<std::string> out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const std::string key = fmt::format("{}.args[{}]", where, i + 1);
    if (arg.size() < 2 || arg[0] != '-') {
      out.push_back(arg);
      continue;
    }
    const std::string_view body = std::string_view(arg).substr(arg[1] == '-' ? 2 : 1);
    const size_t eq = body.find('=');
    const std::string name(body.substr(0, eq));
    const bool inline_value = eq != std::string_view::npos;
    const bool has_next = i + 1 < args.size();
    const std::string value = inline_value ? std::string(body.substr(eq + 1)) : has_next ? args[i + 1] : "";
    if (name == "h" || in(name, kOutputFlags)) {
      throw Error(fmt::format("{}: {} is not allowed in blis fit: every evaluation would {}", key, arg,
                              name == "h" || name == "help" || name == "print-scenario" ? "stop before simulating"
                                                                                         : "write that file"));
    }
    if (name == "coefficients" || name == "correction") {
      throw Error(fmt::format("{}: --{} is set by blis fit (the list's `start`, corrected mode); remove it", key, name));
    }
    if (one_of(name, {"latency-model", "compat"})) {
      const char* wanted = name == "compat" ? "corrected" : "physics";
      if (value != wanted) {
        throw Error(fmt::format("{}: blis fit runs every experiment with --{} {}; remove --{} {}", key, name, wanted,
                                name, value));
      }
    }
    if (in(name, kPathFlags)) {
      if (inline_value) {
        out.push_back(fmt::format("--{}={}", name, list_relative_path(list_folder, value)));
      } else {
        out.push_back(arg);
        if (has_next) out.push_back(list_relative_path(list_folder, args[++i]));
      }
      continue;
    }
    out.push_back(arg);
  }
  return out;
}

}  // namespace blis::bindings
