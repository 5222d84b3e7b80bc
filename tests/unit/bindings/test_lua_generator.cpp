// Lua workload generators at the boundary: gen:emit rejects what it would otherwise misread
// (unknown keys, token counts over the cap), a stray coroutine.yield is an error, and a gen object
// kept past its run is an error instead of a use of the freed source.
#include <doctest/doctest.h>

#include <lua.hpp>
#include <string>

#include "bindings/lua_vm.h"
#include "tests/unit/bindings/without_sandbox.h"
#include "bindings/scenario_loader.h"
#include "engine/core/error.h"
#include "engine/workload/request_source.h"

namespace {

using blis::bindings::testing::WithoutSandbox;


using blis::bindings::LuaVm;
using blis::config::ScenarioSpec;

ScenarioSpec load(LuaVm& vm, const std::string& generator) {
  return blis::bindings::load_scenario_source(
      vm,
      generator + "\nreturn blis.scenario{ model = { name = 'foo', alpha = { 1, 1, 1 }, beta = { 1, 1, 1 } }, "
                  "workload = traffic }",
      "gen");
}

// Pulls every request; returns how many, or the error message.
std::string drain(const ScenarioSpec& spec) {
  auto source = spec.workload.generator->open(1);
  blis::workload::GeneratedRequest r;
  int n = 0;
  try {
    while (source->next(r)) ++n;
  } catch (const blis::Error& e) {
    return e.what();
  }
  return std::to_string(n) + " requests";
}

}  // namespace

TEST_CASE("gen:emit rejects unknown keys, naming the closest known key") {
  const WithoutSandbox unsandboxed;
  LuaVm vm;
  const ScenarioSpec typo = load(vm, "function traffic(gen) gen:emit{ at_us = 1, input_tokens = 2, output_tokens = 1, tennant = 'a' } end");
  CHECK(drain(typo).find("gen:1: gen:emit: unknown key 'tennant' (did you mean 'tenant'?)") != std::string::npos);

  LuaVm vm2;
  const ScenarioSpec round = load(vm2,
      "function traffic(gen) gen:emit{ at_us = 1, input_tokens = 2, output_tokens = 1,\n"
      "  follow_ups = { { after_us = 1, input_tokens = 1, output_tokens = 1, prefix_group = 'x' } } } end");
  CHECK(drain(round).find("gen:emit: unknown key 'follow_ups[1].prefix_group' (expected one of: after_us, input, "
                          "input_tokens, output, output_tokens)") != std::string::npos);

  LuaVm vm3;
  const ScenarioSpec positional = load(vm3, "function traffic(gen) gen:emit{ 1, 2, 3 } end");
  CHECK(drain(positional).find("gen:emit: [1]: fields are named") != std::string::npos);
}

TEST_CASE("gen:emit caps tokens per request and names the key") {
  const WithoutSandbox unsandboxed;
  LuaVm vm;
  const ScenarioSpec huge = load(vm, "function traffic(gen) gen:emit{ at_us = 1, input_tokens = 10, output_tokens = 1e7 + 1 } end");
  CHECK(drain(huge).find("gen:emit: 'output_tokens' is 10000001 tokens; the limit is 10000000 tokens per request") !=
        std::string::npos);

  LuaVm vm2;
  const ScenarioSpec at_cap = load(vm2, "function traffic(gen) gen:emit{ at_us = 1, input_tokens = 1e7, output_tokens = 1 } end");
  CHECK(drain(at_cap) == "1 requests");

  LuaVm vm3;
  const ScenarioSpec grown = load(vm3,
      "function traffic(gen) gen:emit{ at_us = 1, prefix_group = 'p', prefix_length = 6e6, input_tokens = 5e6,"
      " output_tokens = 1 } end");
  CHECK(drain(grown).find("gen:emit: the prompt of the request would be 11000000 tokens with its prefix and "
                          "accumulated context; the limit is 10000000") !=
        std::string::npos);
}

TEST_CASE("a coroutine.yield() in a generator is an error naming its line, not the end of the workload") {
  const WithoutSandbox unsandboxed;
  LuaVm vm;
  const ScenarioSpec spec = load(vm,
      "function traffic(gen)\n  gen:emit{ at_us = 1, input_tokens = 2, output_tokens = 1 }\n  coroutine.yield()\n"
      "  gen:emit{ at_us = 2, input_tokens = 2, output_tokens = 1 }\nend");
  CHECK(drain(spec).find("failed after 1 request(s): gen:3: coroutine.yield() in a workload generator") !=
        std::string::npos);
}

TEST_CASE("a gen object kept past its run is an error, not a use of the freed source") {
  const WithoutSandbox unsandboxed;
  LuaVm vm;
  const ScenarioSpec spec = load(vm,
      "function traffic(gen) kept = gen; gen:emit{ at_us = 1, input_tokens = 2, output_tokens = 1 } end");
  CHECK(drain(spec) == "1 requests");  // the source is destroyed when drain returns
  vm.load_string("local a = { pcall(kept.random, kept) } local b = { pcall(kept.emit, kept, { at_us = 5 }) }\n"
                 "return a[2] .. ' | ' .. b[2]", "=probe");
  vm.call(0, 1);
  CHECK(std::string(lua_tostring(vm.state(), -1)) ==
        "gen:random used after the run ended: the gen object is valid only while its generator runs | "
        "gen:emit used after the run ended: the gen object is valid only while its generator runs");
  lua_pop(vm.state(), 1);
}
