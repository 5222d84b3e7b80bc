// The Lua boundary (docs/safety.md, "The Lua boundary"): the views policies get are read-only,
// bounds-checked and valid only during their decision; gen objects are valid only during their
// run; scores must be numbers (not NaN); gen:emit rejects what it would otherwise misread.
#include <doctest/doctest.h>

#include <limits>
#include <lua.hpp>
#include <string>
#include <vector>

#include "bindings/lua_vm.h"
#include "tests/unit/bindings/without_sandbox.h"
#include "bindings/scenario_loader.h"
#include "engine/core/error.h"
#include "tests/unit/error_of.h"

namespace {

using blis::bindings::testing::WithoutSandbox;
using blis::testing::error_of;

using blis::bindings::LuaVm;
using blis::cluster::DecisionContext;
using blis::cluster::RoutingSnapshot;
using blis::config::ScenarioSpec;

const std::string kHead = "package.path = '" + std::string(BLIS_SOURCE_DIR) + "/?.lua;' .. package.path\n";
const std::string kModel = "model = { name = 'foo', alpha = { 1, 1, 1 }, beta = { 1, 1, 1 } }, instances = 3, ";

ScenarioSpec load(LuaVm& vm, const std::string& body) {
  return blis::bindings::load_scenario_source(vm, kHead + body, "test");
}

std::vector<RoutingSnapshot> snapshots() {
  std::vector<RoutingSnapshot> s(3);
  for (int i = 0; i < 3; ++i) {
    s[static_cast<size_t>(i)].index = i;
    s[static_cast<size_t>(i)].queue_depth = 10 + i;
  }
  return s;
}

// Runs `chunk` in the VM and returns its string result (a probe of what a kept view does later).
std::string run_lua(LuaVm& vm, const std::string& chunk) {
  vm.load_string(chunk, "=probe");
  vm.call(0, 1);
  std::string out = lua_tostring(vm.state(), -1);
  lua_pop(vm.state(), 1);
  return out;
}

}  // namespace

TEST_CASE("a scorer that writes a view field fails naming it, and a later scorer still sees the engine's value") {
  const WithoutSandbox unsandboxed;
  LuaVm vm;
  const ScenarioSpec spec = load(vm,
      "written = {}\n"
      "local function vandal(req, inst, cluster)\n"
      "  written[#written + 1] = select(2, pcall(function() inst.queue_depth = 0 end))\n"
      "  pcall(function() cluster.num_instances = 64 end)\n"
      "  return 0\n"
      "end\n"
      "local function reader(req, inst, cluster) return inst.queue_depth * 100 + cluster.num_instances end\n"
      "return blis.scenario{ " + kModel + "routing = { scorers = { {vandal, 1}, {reader, 1} } } }");
  blis::Request r;
  const auto s = snapshots();
  std::vector<double> out(6);
  spec.external_scorers->score_all(DecisionContext{r, 0, s, 0, {}}, out);
  CHECK(out[3] == 1003);  // queue depth 10, 3 instances: nothing the first scorer tried stuck
  CHECK(out[4] == 1103);
  CHECK(out[5] == 1203);
  CHECK(run_lua(vm, "return written[1]") == "test:4: instance view field 'queue_depth' is read-only");

  LuaVm vm2;
  const ScenarioSpec plain = load(vm2,
      "local function greedy(req, inst)\n  req.input_tokens = 1\n  return 1\nend\n"
      "return blis.scenario{ " + kModel + "routing = { scorers = { {greedy, 1} } } }");
  std::vector<double> one(3);
  CHECK(error_of([&] { plain.external_scorers->score_all(DecisionContext{r, 7, s, 0, {}}, one); }) ==
        "scorer 'greedy' (test:2) failed at t=7 us: test:3: request view field 'input_tokens' is read-only");
}

TEST_CASE("cluster.instances is bounds-checked and 0-based") {
  const WithoutSandbox unsandboxed;
  LuaVm vm;
  const ScenarioSpec spec = load(vm,
      "seen = {}\n"
      "local probe = blis.scorer{ name = 'probe', prepare = function(req, cluster)\n"
      "  local a = cluster.instances\n"
      "  seen.len = #a\n"
      "  seen.last = a[2].queue_depth\n"
      "  for _, k in ipairs{ -1, 3, 0.5, 100000 } do seen[#seen + 1] = select(2, pcall(function() return a[k] end)) end\n"
      "  seen[#seen + 1] = select(2, pcall(function() return a.first end))\n"
      "  seen[#seen + 1] = select(2, pcall(function() a[0] = 1 end))\n"
      "end, score = function() return 1 end }\n"
      "return blis.scenario{ " + kModel + "routing = { scorers = { {probe, 1} } } }");
  blis::Request r;
  const auto s = snapshots();
  std::vector<double> out(3);
  spec.external_scorers->score_all(DecisionContext{r, 0, s, 0, {}}, out);
  CHECK(run_lua(vm, "return tostring(seen.len)") == "3");
  CHECK(run_lua(vm, "return tostring(seen.last)") == "12");
  const std::string range = ": instances are 0..2 (cluster.num_instances = 3)";
  CHECK(run_lua(vm, "return seen[1]") == "test:7: cluster.instances[-1] is out of range" + range);
  CHECK(run_lua(vm, "return seen[2]") == "test:7: cluster.instances[3] is out of range" + range);
  CHECK(run_lua(vm, "return seen[3]") == "test:7: cluster.instances[0.5] is out of range" + range);
  CHECK(run_lua(vm, "return seen[4]") == "test:7: cluster.instances[100000] is out of range" + range);
  CHECK(run_lua(vm, "return seen[5]") == "test:8: cluster.instances['first'] is out of range" + range);
  CHECK(run_lua(vm, "return seen[6]") == "test:9: cluster.instances is read-only: cannot set [0]");
}

TEST_CASE("views kept past their decision are errors: in a later decision, and after their binding is gone") {
  const WithoutSandbox unsandboxed;
  LuaVm vm;
  {
    const ScenarioSpec spec = load(vm,
        "local n = 0\n"
        "local function keeper(req, inst, cluster)\n"
        "  n = n + 1\n"
        "  if n == 1 then kept_req, kept_inst, kept_cluster = req, inst, cluster end\n"
        "  if n == 4 then return kept_inst.queue_depth end\n"
        "  return 1\n"
        "end\n"
        "return blis.scenario{ " + kModel + "routing = { scorers = { {keeper, 1} } } }");
    blis::Request r;
    const auto s = snapshots();
    std::vector<double> out(3);
    spec.external_scorers->score_all(DecisionContext{r, 0, s, 0, {}}, out);
    CHECK(error_of([&] { spec.external_scorers->score_all(DecisionContext{r, 9, s, 0, {}}, out); }) ==
          "scorer 'keeper' (test:3) failed at t=9 us: test:6: instance view used after its decision ended (reading "
          "'queue_depth'): views are valid only during the call that received them; copy the numbers you need to keep");
  }
  // The spec (and the memory behind the views) is gone: reading a kept view is still only an error.
  const std::string reads =
      "local out = {}\n"
      "for _, f in ipairs{ function() return kept_req.input_tokens end, function() return kept_req.tenant end,\n"
      "                    function() return kept_cluster.queued end, function() return kept_inst.index end } do\n"
      "  local ok, message = pcall(f)\n"
      "  out[#out + 1] = ok and 'read' or message:match('(%a+ view used after its decision ended)')\n"
      "end\n"
      "return table.concat(out, ', ')";
  CHECK(run_lua(vm, reads) ==
        "request view used after its decision ended, request view used after its decision ended, "
        "cluster view used after its decision ended, instance view used after its decision ended");
}

TEST_CASE("a view field that does not exist is an error suggesting the closest one") {
  const WithoutSandbox unsandboxed;
  LuaVm vm;
  const ScenarioSpec spec = load(vm,
      "local function typo(req, inst, cluster)\n  return cluster.min_lod\nend\n"
      "return blis.scenario{ " + kModel + "routing = { scorers = { {typo, 1} } } }");
  blis::Request r;
  const auto s = snapshots();
  std::vector<double> out(3);
  CHECK(error_of([&] { spec.external_scorers->score_all(DecisionContext{r, 0, s, 0, {}}, out); }) ==
        "scorer 'typo' (test:2) failed at t=0 us: test:3: cluster view has no field 'min_lod'; did you mean "
        "'min_load'? (fields: clock_us, num_instances, queued, running, pending, min_load, max_load, instances)");
}

TEST_CASE("scores: NaN is an error naming the scorer and the time; +-Inf are scores like any other") {
  const WithoutSandbox unsandboxed;
  LuaVm vm;
  const ScenarioSpec spec = load(vm,
      "local function undefined(req, inst) return 0 / 0 end\n"
      "return blis.scenario{ " + kModel + "routing = { scorers = { {'queue-depth', 1}, {undefined, 1} } } }");
  blis::Request r;
  const auto s = snapshots();
  std::vector<double> out(3);
  CHECK(error_of([&] { spec.external_scorers->score_all(DecisionContext{r, 42, s, 0, {}}, out); }) ==
        "scorer 'undefined' (test:2) failed at t=42 us: scorer 'undefined' returned NaN for instance_0, expected a "
        "number (a NaN score would silently lose to every other instance)");

  LuaVm vm2;
  const ScenarioSpec inf = load(vm2,
      "local function idle(req, inst) return inst.index == 0 and 1 / 0 or -1 / 0 end\n"
      "return blis.scenario{ " + kModel + "routing = { scorers = { {idle, 1} } } }");
  inf.external_scorers->score_all(DecisionContext{r, 0, s, 0, {}}, out);
  CHECK(out[0] == std::numeric_limits<double>::infinity());
  CHECK(out[1] == -std::numeric_limits<double>::infinity());
}

TEST_CASE("an admission rule returning nothing is an error naming it; its views are read-only too") {
  const WithoutSandbox unsandboxed;
  LuaVm vm;
  const ScenarioSpec spec = load(vm,
      "local function forgetful(req, cluster) if req.input_tokens > 5 then return true end end\n"
      "return blis.scenario{ " + kModel + "admission = forgetful }");
  blis::Request r;
  const auto s = snapshots();
  CHECK(error_of([&] { spec.external_admission->admit(DecisionContext{r, 3, s, 0, {}}); }) ==
        "admission rule 'forgetful' (test:2) failed at t=3 us: admission rule 'forgetful' returned nothing, expected "
        "true or false (and an optional reason)");

  LuaVm vm2;
  const ScenarioSpec writer = load(vm2,
      "local function writer(req, cluster)\n  cluster.queued = 0\n  return true\nend\n"
      "return blis.scenario{ " + kModel + "admission = writer }");
  CHECK(error_of([&] { writer.external_admission->admit(DecisionContext{r, 3, s, 0, {}}); }) ==
        "admission rule 'writer' (test:2) failed at t=3 us: test:3: cluster view field 'queued' is read-only");
}
