// `blis run` flags (bindings/run_flags): one argument per input line, parsed with pflag's
// rules into a scenario's Lua source, which goes through the scenario loader and resolve() as
// `blis run` does — everything before the simulation, which never starts here. The generated
// source only builds a table from quoted values, so it cannot loop (unless quoting is broken,
// which is one of the things this looks for).
//
// Relative paths (model_configs/defaults.yaml, tests/fixtures/..., tests/lua/...) resolve from
// the repository root, as in the golden transcripts; the harness only reads them.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "bindings/lua_vm.h"
#include "bindings/run_flags.h"
#include "bindings/scenario_loader.h"
#include "engine/config/run_config.h"
#include "engine/core/error.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (chdir(BLIS_SOURCE_DIR) != 0) std::abort();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> args;
  for (const std::string_view arg :
       blis::fuzz::split_input(std::string_view(reinterpret_cast<const char*>(data), size), "\n", SIZE_MAX)) {
    args.emplace_back(arg);
  }
  if (!args.empty() && args.back().empty()) args.pop_back();  // the seeds end with a newline
  try {
    const blis::bindings::RunCommand command = blis::bindings::parse_run_flags(args);
    if (command.help) return 0;
    blis::bindings::LuaVm vm;
    const blis::config::ScenarioSpec spec =
        blis::bindings::load_scenario_source(vm, command.scenario_source, "blis run");
    (void)blis::config::resolve(spec, blis::fuzz::discard_diagnostic);
  } catch (const blis::Error&) {
  }
  return 0;
}
