// blis: `blis scenario.lua [--param=value ...]`, `blis run <reference flags>`, `blis --version`.
// The front end owns printing and exit statuses; the engine only returns data.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "bindings/lua_vm.h"
#include "bindings/run_flags.h"
#include "bindings/scenario_loader.h"
#include "engine/core/error.h"
#include "engine/simulation.h"

namespace {

constexpr const char* kUsage =
    "usage: blis <scenario.lua> [--param=value ...]   run a Lua scenario\n"
    "       blis <scenario.lua> --help                list the scenario's parameters\n"
    "       blis run [flags]                          reference-compatible flag interface (blis run --help)\n"
    "       blis --version\n";

int log_threshold(const std::string& level) {
  if (level == "trace") return 0;
  if (level == "debug") return 1;
  if (level == "info") return 2;
  if (level == "warn" || level == "warning") return 3;
  if (level == "error") return 4;
  if (level == "fatal" || level == "panic") return 5;
  throw blis::Error("Invalid log level: " + level);
}

const char* level_name(blis::LogLevel level) {
  switch (level) {
    case blis::LogLevel::Trace: return "trace";
    case blis::LogLevel::Debug: return "debug";
    case blis::LogLevel::Info: return "info";
    case blis::LogLevel::Warning: return "warning";
    case blis::LogLevel::Error: return "error";
  }
  return "info";
}

int run(const blis::config::ScenarioSpec& spec) {
  const int threshold = log_threshold(spec.log_level.value_or("warn"));
  const blis::DiagnosticSink sink = [threshold](blis::LogLevel level, const std::string& message) {
    if (static_cast<int>(level) >= threshold) std::fprintf(stderr, "blis: %s: %s\n", level_name(level), message.c_str());
  };
  const blis::SimulationOutput out = blis::run_scenario(spec, sink);
  std::fwrite(out.stdout_text.data(), 1, out.stdout_text.size(), stdout);
  std::fflush(stdout);
  if (out.late_error) {
    std::fprintf(stderr, "blis: error: %s\n", out.late_error->c_str());
    return 1;
  }
  return 0;
}

int main_checked(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 1 : 0;
  }
  if (args[0] == "--version") {
    std::puts("blis 0.1.0");
    return 0;
  }
  blis::bindings::LuaVm vm;
  if (args[0] == "run") {
    const auto command = blis::bindings::parse_run_flags({args.begin() + 1, args.end()});
    if (command.help) {
      std::fputs(blis::bindings::run_flags_help().c_str(), stdout);
      return 0;
    }
    if (command.print_scenario) {
      std::fputs(command.scenario_source.c_str(), stdout);
      return 0;
    }
    return run(blis::bindings::load_scenario_source(vm, command.scenario_source, "=blis run", "blis run"));
  }
  const std::string& path = args[0];
  std::vector<std::string> params;
  bool help = false;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") help = true;
    else params.push_back(args[i]);
  }
  if (help) {
    blis::bindings::load_scenario_file(vm, path, {});
    std::printf("usage: blis %s [--param=value ...]\n\nparameters:\n%s\n", path.c_str(),
                blis::bindings::declared_params_help(vm).c_str());
    return 0;
  }
  return run(blis::bindings::load_scenario_file(vm, path, params));
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return main_checked(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const blis::Error& e) {
    std::fprintf(stderr, "blis: error: %s\n", e.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "blis: internal error: %s\n", e.what());
  }
  return 1;
}
