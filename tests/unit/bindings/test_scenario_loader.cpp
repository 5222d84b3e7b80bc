// Scenario files -> ScenarioSpec: errors that name the key path and the user's file:line,
// parameters, int64 values, and spec_from_table's own checks.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <limits>
#include <lua.hpp>
#include <string>
#include <vector>

#include "bindings/lua_vm.h"
#include "bindings/scenario_loader.h"
#include "engine/core/error.h"
#include "spec_compare.h"
#include "tests/unit/scratch_dir.h"

namespace {

using blis::bindings::LuaVm;
using blis::config::ScenarioSpec;

const std::string kLuaDir = std::string(BLIS_SOURCE_DIR) + "/tests/lua/";

ScenarioSpec load(const std::string& name, const std::vector<std::string>& params = {}) {
  LuaVm vm;
  return blis::bindings::load_scenario_file(vm, kLuaDir + name, params);
}

std::string load_error(const std::string& name, const std::vector<std::string>& params = {}) {
  try {
    load(name, params);
  } catch (const blis::Error& e) {
    return e.what();
  }
  return "(no error)";
}

std::string source_error(const std::string& source) {
  LuaVm vm;
  try {
    blis::bindings::load_scenario_source(vm, source, "test");
  } catch (const blis::Error& e) {
    return e.what();
  }
  return "(no error)";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// How Lua shows a file's chunk name in "file:line:" positions: names of 60 bytes or more are cut
// to "..." and their last 56 bytes (LuaJIT's lj_debug_shortname, LUA_IDSIZE = 60).
std::string shown(const std::string& path) {
  return path.size() >= 60 ? "..." + path.substr(path.size() - 56) : path;
}

}  // namespace

TEST_CASE("scenario: a misspelt key names the key path, a suggestion, and the user's line") {
  // `return blis.scenario{...}` is a tail call; the line is still the user's, and it is the line
  // of the misspelt key, not of the call.
  const std::string message = load_error("typo_key.lua");
  CHECK_MESSAGE(contains(message, "tests/lua/typo_key.lua:4: blis.scenario: unknown key 'engine.kv_blokcs' "
                                  "(did you mean 'kv_blocks'?)"),
                message);
  CHECK_FALSE(contains(message, "stdlib_lua"));
  CHECK_FALSE(contains(message, "traceback"));
  CHECK(contains(load_error("nontail_typo.lua"),
                 "nontail_typo.lua:5: blis.scenario: unknown key 'routing.polcy' (did you mean 'policy'?)"));
  CHECK(contains(load_error("builder_typo.lua"),
                 "builder_typo.lua:5: blis.workload.distribution: unknown key 'rat' (did you mean 'rate'?)"));
  // The bad table was built before the call: the line passing it is blamed.
  CHECK(contains(load_error("computed_table.lua"),
                 "computed_table.lua:6: blis.scenario: unknown key 'engine.kv_blokcs'"));
}

TEST_CASE("scenario: long file names are shortened by Lua, and the key's line is still found") {
  const std::string dir = (std::filesystem::path(blis::testing::scratch_dir()) /
                           "a_directory_with_a_rather_long_name_for_lua_chunk_names")
                              .string();
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(kLuaDir + "typo_key.lua", dir + "/typo_key.lua",
                             std::filesystem::copy_options::overwrite_existing);
  LuaVm vm;
  std::string message;
  try {
    blis::bindings::load_scenario_file(vm, dir + "/typo_key.lua", {});
  } catch (const blis::Error& e) {
    message = e.what();
  }
  std::filesystem::remove_all(dir);
  CHECK(message == shown(dir + "/typo_key.lua") + ":4: blis.scenario: unknown key 'engine.kv_blokcs' (did you mean "
                                                   "'kv_blocks'?)");
  CHECK(message.rfind("...", 0) == 0);
}

TEST_CASE("scenario: a value of the wrong type names the path and the expected type") {
  CHECK(contains(load_error("wrong_type.lua"),
                 "wrong_type.lua:3: blis.scenario: 'model.tp' must be an integer, got number 1.5"));
  CHECK(source_error("return blis.scenario{ model = { name = 3 } }") ==
        "test:1: blis.scenario: 'model.name' must be a string, got number 3");
  CHECK(source_error("return blis.scenario{ engine = 5 }") ==
        "test:1: blis.scenario: 'engine' must be a table, got number 5");
  CHECK(source_error("return blis.scenario{ trace = { summarize = 'yes' } }") ==
        "test:1: blis.scenario: 'trace.summarize' must be a boolean, got string \"yes\"");
  CHECK(source_error("return blis.scenario{ model = { alpha = { 1, 'x' } } }") ==
        "test:1: blis.scenario: 'model.alpha[2]' must be a number, got string \"x\"");
  CHECK(source_error("return blis.scenario{ model = { alpha = { 1, x = 2 } } }") ==
        "test:1: blis.scenario: 'model.alpha' must be a list of numbers (it has the key string \"x\")");
  CHECK(source_error("return blis.scenario{ seed = 0/0 }") ==
        "test:1: blis.scenario: 'seed' must be an integer, got number nan");
  CHECK(source_error("return blis.scenario{ seed = '12abc' }") ==
        "test:1: blis.scenario: 'seed' must be an integer, got string \"12abc\"");
  CHECK(source_error("return blis.scenario(5)") == "test:1: blis.scenario: expects a table, got number 5");
}

TEST_CASE("scenario: other unknown keys") {
  CHECK(source_error("return blis.scenario{ kv_blocks = 1 }") ==
        "test:1: blis.scenario: unknown key 'kv_blocks' (did you mean 'engine.kv_blocks'?)");
  CHECK(source_error("return blis.scenario{ horizon = 1 }") ==
        "test:1: blis.scenario: unknown key 'horizon' (did you mean 'horizon_us'?)");
  CHECK(source_error("return blis.scenario{ model = { 'foo' } }") == "test:1: blis.scenario: unknown key 'model[1]'");
  CHECK(source_error("return blis.scenario{ zzz = 1 }") == "test:1: blis.scenario: unknown key 'zzz'");
  // Several problems: the first in key order is reported, whatever pairs() does.
  for (int i = 0; i < 5; ++i) {
    CHECK(source_error("return blis.scenario{ zz = 1, aa = 2, mm = 3, bb = 4 }") ==
          "test:1: blis.scenario: unknown key 'aa'");
  }
}

TEST_CASE("scenario: workloads") {
  CHECK(source_error("return blis.scenario{ workload = { rate = 1 } }") ==
        "test:1: blis.scenario: 'workload' has no 'kind': make it with blis.workload.distribution{...}, "
        "preset{...}, csv_trace{...}, spec{...}, trace_v2{...} or inference_perf{...}");
  CHECK(source_error("return blis.scenario{ workload = { kind = 'distribtion' } }") ==
        "test:1: blis.scenario: 'workload.kind' must be one of csv_trace, distribution, generator, inference_perf, preset, spec, trace_v2, got string "
        "\"distribtion\" (did you mean 'distribution'?)");
  CHECK(source_error("return blis.scenario{ workload = blis.workload.csv_trace{} }") ==
        "test:1: blis.workload.csv_trace: 'path' is required");
  CHECK(source_error("return blis.scenario{ workload = blis.workload.preset{ name = 'chatbot', "
                     "prompt_tokens = {} } }") ==
        "test:1: blis.workload.preset: unknown key 'prompt_tokens' (expected one of kind, name, rate, requests)");
  CHECK(source_error("return blis.scenario{ workload = blis.workload.distribution{ "
                     "prompt_tokens = { mean = 1.5 } } }") ==
        "test:1: blis.workload.distribution: 'prompt_tokens.mean' must be an integer, got number 1.5");
  CHECK(source_error("return blis.scenario{ workload = blis.workload.preset{ name = 'chatbot', kind = 'spec' } }") ==
        "test:1: blis.workload.preset: 'kind' is set by the builder; got string \"spec\" in blis.workload.preset");

  LuaVm vm;
  const ScenarioSpec preset = blis::bindings::load_scenario_source(
      vm, "return blis.scenario{ workload = blis.workload.preset{ name = 'chatbot', rate = 2, requests = 9 } }", "t");
  CHECK(preset.workload.kind == "preset");
  CHECK(preset.workload.preset == "chatbot");
  CHECK(preset.workload.rate == 2.0);
  CHECK(preset.workload.requests == 9);
  const ScenarioSpec spec = blis::bindings::load_scenario_source(
      vm, "return blis.scenario{ workload = blis.workload.spec{ path = 'w.yaml', requests = 3 } }", "t");
  CHECK(spec.workload.kind == "spec");
  CHECK(spec.workload.path == "w.yaml");
  CHECK(spec.workload.requests == 3);
  const ScenarioSpec raw = blis::bindings::load_scenario_source(
      vm, "return blis.scenario{ workload = { kind = 'distribution', prompt_tokens = { std = 4 } } }", "t");
  CHECK(raw.workload.prompt_tokens.stdev == 4);
}

TEST_CASE("scenario: Lua errors keep the user's file:line on the first line") {
  CHECK(load_error("syntax_error.lua") == shown(kLuaDir + "syntax_error.lua") + ":3: '}' expected near 'alpha'");
  CHECK(load_error("runtime_error.lua") ==
        shown(kLuaDir + "runtime_error.lua") + ":4: attempt to index local 'broken' (a nil value)");
  // Inside a helper function, a traceback of the user's frames follows.
  const std::string helper = load_error("helper_error.lua");
  CHECK(helper.rfind(shown(kLuaDir + "helper_error.lua") +
                         ":3: attempt to index local 'n' (a nil value)\nstack traceback:\n",
                     0) == 0);
  CHECK(contains(helper, "helper_error.lua:3: in function 'coefficients'"));
  CHECK(contains(helper, "helper_error.lua:7: in main chunk"));
  CHECK_FALSE(contains(helper, "[C]"));
}

TEST_CASE("scenario: files that cannot be read or return no scenario") {
  CHECK(load_error("does_not_exist.lua") ==
        "cannot read scenario file " + kLuaDir + "does_not_exist.lua: no such file or directory");
  CHECK(load_error("") == "cannot read scenario file " + kLuaDir + ": is a directory");
  CHECK(load_error("not_a_scenario.lua") ==
        kLuaDir + "not_a_scenario.lua: a scenario file must end with `return blis.scenario{...}` "
                  "(it returned a table not made by blis.scenario)");
  CHECK(load_error("returns_nothing.lua") ==
        kLuaDir + "returns_nothing.lua: a scenario file must end with `return blis.scenario{...}` "
                  "(it returned nothing)");
  CHECK(source_error("return 5") ==
        "test: a scenario file must end with `return blis.scenario{...}` (it returned a number)");
}

TEST_CASE("scenario: blis is a global and a module") {
  CHECK(load("require_blis.lua").model == "foo");
  LuaVm vm;
  const ScenarioSpec s = blis::bindings::load_scenario_source(
      vm, "assert(blis == require 'blis'); local n = 0; for k in blis.sorted_pairs{ b = 1, a = 2 } do "
          "n = n + 1; assert(n == 1 and k == 'a' or n == 2 and k == 'b') end; return blis.scenario{ seed = n }",
      "t");
  CHECK(s.seed == 2);
}

TEST_CASE("scenario: parameters") {
  SUBCASE("defaults") {
    const ScenarioSpec s = load("params.lua");
    CHECK(s.workload.rate == 10.0);
    CHECK(s.workload.requests == 500);
    CHECK(s.log_level == "warn");
    CHECK(s.model == "foo");
  }
  SUBCASE("overrides of every type") {
    const ScenarioSpec s = load("params.lua", {"--rate=20.5", "--requests=7", "--chatty", "--model=bar"});
    CHECK(s.workload.rate == 20.5);
    CHECK(s.workload.requests == 7);
    CHECK(s.log_level == "info");
    CHECK(s.model == "bar");
    CHECK(load("params.lua", {"--chatty=off"}).log_level == "warn");
    CHECK(load("params.lua", {"--chatty", "--chatty=false"}).log_level == "warn");
    CHECK(load("params.lua", {"--chatty=false", "--chatty"}).log_level == "info");
    CHECK(load("params.lua", {"--rate=1", "--rate=2"}).workload.rate == 2.0);  // the last one wins
  }
  SUBCASE("--name value, as blis run takes its flags") {
    const ScenarioSpec s = load("params.lua", {"--rate", "20.5", "--requests", "7", "--chatty", "--model", "bar"});
    CHECK(s.workload.rate == 20.5);
    CHECK(s.workload.requests == 7);
    CHECK(s.log_level == "info");
    CHECK(s.model == "bar");
    CHECK(load("params.lua", {"--chatty", "off"}).log_level == "warn");
    CHECK(load("params.lua", {"--chatty", "yes", "--rate=3"}).log_level == "info");
    CHECK(load("params.lua", {"--rate", "-0", "--rate", "4"}).workload.rate == 4.0);  // "-0" is a value, not a flag
    // A word starting with "--" is the next flag, never a value: `--model --chatty` leaves --model bare.
    CHECK(contains(load_error("params.lua", {"--model", "--chatty"}), "--model needs a value (--model <string>"));
  }
  SUBCASE("unknown parameters") {
    CHECK(load_error("params.lua", {"--rat=20"}) ==
          kLuaDir + "params.lua: unknown parameter --rat (did you mean --rate?); see blis " + kLuaDir +
              "params.lua --help");
    CHECK(contains(load_error("params.lua", {"--zzz=1", "--aaa"}), "unknown parameters --aaa, --zzz;"));
  }
  SUBCASE("bad values are blamed on the declaration") {
    CHECK(load_error("params.lua", {"--rate=abc"}) ==
          shown(kLuaDir + "params.lua") + ":3: blis.params: invalid value 'abc' for --rate: expected a number");
    CHECK(load_error("params.lua", {"--rate= 5"}) ==
          shown(kLuaDir + "params.lua") + ":3: blis.params: invalid value ' 5' for --rate: expected a number");
    CHECK(load_error("params.lua", {"--rate"}) ==
          shown(kLuaDir + "params.lua") + ":3: blis.params: --rate needs a value (--rate <number> or --rate=<number>)");
    CHECK(load_error("params.lua", {"--rate", "--requests=5"}) ==
          shown(kLuaDir + "params.lua") + ":3: blis.params: --rate needs a value (--rate <number> or --rate=<number>)");
    CHECK(load_error("params.lua", {"--chatty", "maybe"}) ==
          shown(kLuaDir + "params.lua") +
              ":5: blis.params: invalid value 'maybe' for --chatty: expected true or false");
    CHECK(load_error("params.lua", {"--chatty=maybe"}) ==
          shown(kLuaDir + "params.lua") +
              ":5: blis.params: invalid value 'maybe' for --chatty: expected true or false");
  }
  SUBCASE("malformed arguments") {
    CHECK(load_error("params.lua", {"rate=5"}) == "unexpected argument 'rate=5': parameters of " + kLuaDir +
                                                       "params.lua are given as --name value or --name=value");
    CHECK(contains(load_error("params.lua", {"--rate", "5", "6"}), "unexpected argument '6'"));
    CHECK(contains(load_error("params.lua", {"--=5"}), "unexpected argument '--=5'"));
    CHECK(contains(load_error("params.lua", {"-r"}), "unexpected argument '-r'"));
  }
  SUBCASE("reading an undeclared parameter") {
    CHECK(load_error("params_undeclared_read.lua") ==
          shown(kLuaDir + "params_undeclared_read.lua") + ":4: blis.params: no parameter 'rtae' was declared");
  }
  SUBCASE("bad declarations") {
    CHECK(source_error("local p = blis.params{ rate = {} }\nreturn blis.scenario{}") ==
          "test:1: blis.params: parameter 'rate' needs a default that is a number, string or boolean (name = "
          "default or name = {\"description\", default}), got nil");
    CHECK(source_error("local p = blis.params{ rate = 1 }\n"
                       "local q = blis.params{ rate = 2 }\nreturn blis.scenario{}") ==
          "test:2: blis.params: parameter 'rate' is declared twice");
    CHECK(source_error("local p = blis.params(5)\nreturn blis.scenario{}") ==
          "test:1: blis.params: expects a table of name = default, got number 5");
  }
  SUBCASE("--help lists them sorted, with defaults and descriptions") {
    LuaVm vm;
    CHECK(blis::bindings::scenario_help(vm, kLuaDir + "params.lua") ==
          "usage: blis " + kLuaDir + "params.lua [--name value ...]\n\n"
          "parameters (default values shown):\n"
          "  --chatty=false   Log at info level\n"
          "  --model=foo      Model name\n"
          "  --rate=10        Arrival rate (req/s)\n"
          "  --requests=500\n"
          "\n"
          "universal flags (every scenario file takes them; each sets its scenario key after the script ran;\n"
          "a parameter the script declares with the same name takes the value instead):\n"
          "  --seed N                      random seed of the run (scenario key seed)\n"
          "  --horizon US                  stop at this simulated time, in microseconds (scenario key horizon_us)\n"
          "  --results-path FILE           also write the results JSON to FILE (scenario key results_path)\n"
          "  --format NAME                 report on stdout: human, json or reference (scenario key format)\n"
          "  --requests-csv FILE           one CSV row per request (scenario key export.requests_csv)\n"
          "  --timeseries FILE             time-series CSV rows per instance (scenario key export.timeseries)\n"
          "  --timeseries-interval-us US   µs of simulated time between rows (export.timeseries_interval_us)\n"
          "  --html FILE                   an HTML report with plots (scenario key export.html)\n");
    LuaVm vm2;
    CHECK(contains(blis::bindings::scenario_help(vm2, kLuaDir + "require_blis.lua"), "declares no parameters"));
  }
}

TEST_CASE("scenario: universal flags --seed, --horizon, --results-path") {
  SUBCASE("they override the scenario's keys, in both forms") {
    const ScenarioSpec s = load("params.lua", {"--seed", "7", "--horizon=123456", "--results-path", "out.json"});
    CHECK(s.seed == 7);
    CHECK(s.horizon_us == 123456);
    CHECK(s.results_path == "out.json");
    CHECK(load("int64.lua", {"--seed=-3"}).seed == -3);  // int64.lua sets seed itself: the flag wins
    CHECK(load("int64.lua", {"--horizon", "9223372036854775806"}).horizon_us ==
          std::numeric_limits<int64_t>::max() - 1);  // exact beyond 2^53
    CHECK_FALSE(load("params.lua").seed.has_value());
  }
  SUBCASE("a parameter the script declares under the same name takes the value") {
    CHECK(load("params_seed.lua").seed == 1000);
    CHECK(load("params_seed.lua", {"--seed", "5"}).seed == 1005);
  }
  SUBCASE("bad or missing values: one message naming the file and the flag") {
    CHECK(load_error("params.lua", {"--seed", "abc"}) ==
          kLuaDir + "params.lua: invalid value 'abc' for --seed: expected an integer in the int64 range");
    CHECK(load_error("params.lua", {"--horizon=1.5"}) ==
          kLuaDir + "params.lua: invalid value '1.5' for --horizon: expected an integer in the int64 range");
    CHECK(load_error("params.lua", {"--seed=9223372036854775808"}) ==
          kLuaDir + "params.lua: invalid value '9223372036854775808' for --seed: expected an integer in the int64 "
                    "range");
    CHECK(load_error("params.lua", {"--horizon", "-1"}) ==
          kLuaDir + "params.lua: invalid value '-1' for --horizon: must be >= 0");
    CHECK(load_error("params.lua", {"--results-path"}) ==
          kLuaDir + "params.lua: --results-path needs a value (--results-path FILE or --results-path=FILE)");
    CHECK(load_error("params.lua", {"--seed", "--rate=3"}) ==
          kLuaDir + "params.lua: --seed needs an integer (--seed N or --seed=N)");
  }
  SUBCASE("an unknown parameter is still reported first") {
    CHECK(load_error("params.lua", {"--seed=abc", "--rat=1"}) ==
          kLuaDir + "params.lua: unknown parameter --rat (did you mean --rate?); see blis " + kLuaDir +
              "params.lua --help");
  }
}

TEST_CASE("scenario: integers beyond 2^53") {
  const ScenarioSpec s = load("int64.lua");
  CHECK(s.horizon_us == std::numeric_limits<int64_t>::max());
  CHECK(s.seed == std::numeric_limits<int64_t>::min());
  CHECK(s.kv_blocks == 9007199254740993);
  CHECK(s.max_running == 42);
  CHECK(contains(load_error("int64_rounded.lua"),
                 "int64_rounded.lua:3: blis.scenario: 'horizon_us' is outside the int64 range, got number "
                 "9.2233720368548e+18 (write integers beyond 2^53 as strings, \"9223372036854775807\", or as int64 "
                 "literals, 9223372036854775807LL)"));
  CHECK(contains(source_error("return blis.scenario{ seed = '9223372036854775808' }"), "outside the int64 range"));
  CHECK(contains(source_error("return blis.scenario{ seed = 18446744073709551615ULL }"), "outside the int64 range"));
  CHECK(contains(source_error("return blis.scenario{ seed = 1i }"), "'seed' must be an integer, got cdata"));
}

TEST_CASE("scenario: blis.scenario returns a checked copy") {
  LuaVm vm;
  const ScenarioSpec s = blis::bindings::load_scenario_source(
      vm, "local t = { model = { name = 'a' } }\nlocal s = blis.scenario(t)\nt.model.name = 'b'\nt.zzz = 1\nreturn s",
      "t");
  CHECK(s.model == "a");
}

TEST_CASE("scenario: the Lua stack is left as it was, on success and on failure") {
  LuaVm vm;
  lua_State* L = vm.state();
  const int top = lua_gettop(L);
  blis::bindings::load_scenario_file(vm, kLuaDir + "params.lua", {"--rate=3"});
  CHECK(lua_gettop(L) == top);
  CHECK_THROWS_AS(blis::bindings::load_scenario_file(vm, kLuaDir + "typo_key.lua", {}), blis::Error);
  CHECK(lua_gettop(L) == top);
  CHECK_THROWS_AS(blis::bindings::load_scenario_file(vm, kLuaDir + "params.lua", {"--nope=1"}), blis::Error);
  CHECK(lua_gettop(L) == top);
  // the VM stays usable after an error
  CHECK(blis::bindings::load_scenario_file(vm, kLuaDir + "params.lua", {}).workload.rate == 10.0);
}

TEST_CASE("spec_from_table: its own checks name the key path and the origin") {
  LuaVm vm;
  lua_State* L = vm.state();
  const auto from_lua = [&](const char* expression) {
    vm.load_string(std::string("return ") + expression, "=t");
    vm.call(0, 1);
    try {
      const ScenarioSpec spec = blis::bindings::spec_from_table(L, -1, "origin.lua");
      lua_pop(L, 1);
      return std::string("ok ") + spec.origin;
    } catch (const blis::Error& e) {
      lua_pop(L, 1);
      return std::string(e.what());
    }
  };
  CHECK(from_lua("{ model = { name = 'x' } }") == "ok origin.lua");
  CHECK(source_error("return blis.scenario{ trace = { xyz = 'x' } }") ==
        "test:1: blis.scenario: unknown key 'trace.xyz' (expected one of counterfactual_k, file, level, summarize)");
  CHECK(from_lua("{ engine = { kv_blokcs = 1 } }") == "origin.lua: unknown scenario key 'engine.kv_blokcs'");
  CHECK(from_lua("{ zeta = 1, alpha = 2 }") == "origin.lua: unknown scenario key 'alpha'");
  CHECK(from_lua("{ [1] = 5 }") == "origin.lua: unknown scenario key '[1]'");
  CHECK(from_lua("{ model = { tp = 1.5 } }") ==
        "origin.lua: scenario key 'model.tp' must be an integer in the int64 range, got number 1.5");
  CHECK(from_lua("{ seed = '12x' }") ==
        "origin.lua: scenario key 'seed' must be an integer in the int64 range, got string \"12x\"");
  CHECK(from_lua("{ model = { alpha = { 1, 'a' } } }") ==
        "origin.lua: scenario key 'model.alpha[2]' must be a number, got string \"a\"");
  CHECK(from_lua("{ model = { alpha = { 1, [3] = 2 } } }") ==
        "origin.lua: scenario key 'model.alpha' must be a list of numbers (it has keys other than 1..1)");
  CHECK(from_lua("{ workload = { rate = 1 } }") ==
        "origin.lua: scenario key 'workload.kind' is missing: make the workload with blis.workload.<kind>{...}");
  CHECK(from_lua("{ workload = { kind = 'csv_trace', rate = 1 } }") ==
        "origin.lua: unknown scenario key 'workload.rate'");
  CHECK(from_lua("{ trace = { summarize = 1 } }") ==
        "origin.lua: scenario key 'trace.summarize' must be a boolean, got number 1");
  CHECK(from_lua("{ seed = '9223372036854775807', horizon_us = -9007199254740992 }") == "ok origin.lua");
  // metamethods are never called: the table is read raw
  CHECK(from_lua("setmetatable({}, { __index = function() error('boom') end })") == "ok origin.lua");
  CHECK(from_lua("5") == "origin.lua: a scenario must be a table, got number 5");
}

TEST_CASE("LuaVm: the embedded stdlib is preloaded and chunk names point at stdlib_lua/") {
  LuaVm vm;
  lua_State* L = vm.state();
  vm.load_string("local util = require 'blis.util'; return debug.getinfo(util.closest, 'S').source", "=t");
  vm.call(0, 1);
  CHECK(std::string(lua_tostring(L, -1)) == "@stdlib_lua/blis.util.lua");
  lua_pop(L, 1);
  vm.load_string("return (select(2, pcall(require, 'blis.nothing')))", "=t");
  vm.call(0, 1);
  CHECK(contains(lua_tostring(L, -1), "module 'blis.nothing' not found"));
  lua_pop(L, 1);
  // non-string error values
  vm.load_string("error({})", "=t");
  CHECK_THROWS_WITH_AS(vm.call(0, 0), "(error object is a table value)", blis::Error);
  vm.load_string("error(setmetatable({}, { __tostring = function() return 'custom' end }))", "=t");
  CHECK_THROWS_WITH_AS(vm.call(0, 0), "custom", blis::Error);
  CHECK_THROWS_WITH_AS(vm.load_string("x = = 1", "=chunk"), "chunk:1: unexpected symbol near '='", blis::Error);
  CHECK(lua_gettop(L) == 0);
}

TEST_CASE("scenario: the loader records the line of each key for messages found after loading") {
  const ScenarioSpec s = load("inputs/capacity_negative.lua");
  const std::string file = shown(kLuaDir + "inputs/capacity_negative.lua");
  CHECK(s.site_of("admission.capacity") == file + ":7");
  CHECK(s.site_of("admission.policy") == file + ":6");
  CHECK(s.site_of("admission") == file + ":5");
  CHECK(s.site_of("workload.rate") == file + ":9");
  CHECK(s.site_of("engine.kv_blocks") == s.site_of(""));  // not in the file: the call's line
  // `blis run` scenarios have no file lines: messages keep the flag names.
  LuaVm vm;
  const ScenarioSpec run =
      blis::bindings::load_scenario_source(vm, "return blis.scenario{ model = { name = \"m\" } }", "blis run");
  CHECK(run.key_sites.empty());
  CHECK(run.from_flags());
}

TEST_CASE("scenario: a table that contains itself is reported with its key path, not a stack overflow") {
  const std::string message = source_error(
      "local t = { id = 'a' }\nt.self = t\n"
      "return blis.scenario{ model = { name = 'm' }, workload = blis.workload.spec{ aggregate_rate = 1, clients = { t } } }");
  CHECK(contains(message, "blis.scenario: 'workload.clients[1].self' refers to a table that contains it"));
  CHECK_FALSE(contains(message, "stack overflow"));
  // A table used twice without a cycle is fine.
  CHECK(source_error("local p = { value = 5 }\n"
                     "return blis.scenario{ model = { name = 'm' }, workload = blis.workload.spec{ aggregate_rate = 1, "
                     "num_requests = 2, clients = { { id = 'a', rate_fraction = 1, arrival = { process = 'poisson' }, "
                     "input_distribution = { type = 'constant', params = p }, "
                     "output_distribution = { type = 'constant', params = p } } } } }") == "(no error)");
}

TEST_CASE("scenario: an infinite numeric key in an inline spec names its key path") {
  const std::string message = source_error(
      "return blis.scenario{ model = { name = 'm' }, workload = blis.workload.spec{ aggregate_rate = 1, "
      "clients = { { id = 'a', input_distribution = { type = 'empirical', params = { [-math.huge] = 1 } } } } } }");
  CHECK(contains(message, "'workload.clients[1].input_distribution.params' has the key -inf (math.huge?), which is "
                          "not a finite number"));
}
