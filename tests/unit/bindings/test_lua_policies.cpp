// Lua scorers and admission rules as the engine calls them: a scenario is loaded, and the
// ExternalScorers / ExternalAdmission it produced are asked directly, with hand-made snapshots.
// The scripts/ versions of the built-ins must give the built-ins' numbers (§B.1, §B.5).
#include <doctest/doctest.h>

#include <lua.hpp>
#include <string>
#include <vector>

#include "bindings/lua_vm.h"
#include "bindings/scenario_loader.h"
#include "engine/core/error.h"

namespace {

using blis::bindings::LuaVm;
using blis::cluster::DecisionContext;
using blis::cluster::RoutingSnapshot;
using blis::config::ScenarioSpec;

const std::string kHead =
    "package.path = '" + std::string(BLIS_SOURCE_DIR) + "/?.lua;' .. package.path\n";
const std::string kModel = "model = { name = 'foo', alpha = { 1, 1, 1 }, beta = { 1, 1, 1 } }, instances = 3, ";

ScenarioSpec load(LuaVm& vm, const std::string& body) {
  return blis::bindings::load_scenario_source(vm, kHead + body, "test");
}

std::vector<RoutingSnapshot> snapshots() {
  std::vector<RoutingSnapshot> s(3);
  const int64_t queue[] = {4, 0, 2}, batch[] = {1, 1, 0}, pending[] = {0, 2, 0};
  const double kv[] = {0.25, 0.5, 1.0};
  for (int i = 0; i < 3; ++i) {
    s[static_cast<size_t>(i)].index = i;
    s[static_cast<size_t>(i)].queue_depth = queue[i];
    s[static_cast<size_t>(i)].batch_size = batch[i];
    s[static_cast<size_t>(i)].pending = pending[i];
    s[static_cast<size_t>(i)].kv_utilization = kv[i];
  }
  return s;
}

}  // namespace

TEST_CASE("scripts/ scorers compute the built-in formulas, one call for all scorers") {
  LuaVm vm;
  const ScenarioSpec spec = load(vm,
      "return blis.scenario{ " + kModel +
      "routing = { scorers = { {require 'scripts.scorers.queue_depth', 1}, {require 'scripts.scorers.kv_utilization', 1},"
      " {require 'scripts.scorers.load_balance', 1}, {require 'scripts.scorers.prefix_affinity', 1}, {'queue-depth', 1} } } }");
  REQUIRE(spec.external_scorers);
  REQUIRE(spec.scorer_list);
  CHECK(spec.routing_policy == "weighted");  // a scorer list implies weighted routing
  CHECK(spec.scorer_list->size() == 5);
  CHECK((*spec.scorer_list)[4].external == -1);
  auto& scorers = *spec.external_scorers;
  REQUIRE(scorers.count() == 4);
  CHECK(scorers.name(0) == "queue-depth (lua)");
  CHECK(scorers.uses_prefix_index());

  blis::Request r;
  r.input_len = 64;
  const auto s = snapshots();  // loads 5, 3, 2
  const std::vector<int64_t> matches = {3, 0, 1};
  std::vector<double> out(4 * 3);
  scorers.score_all(DecisionContext{r, 1000, s, 4, matches}, out);
  // queue-depth: (max - L) / (max - min) with loads 5, 3, 2
  CHECK(out[0] == 0.0);
  CHECK(out[1] == 2.0 / 3.0);
  CHECK(out[2] == 1.0);
  // kv-utilization: 1 - u
  CHECK(out[3] == 0.75);
  CHECK(out[5] == 0.0);
  // load-balance: 1 / (1 + L)
  CHECK(out[6] == 1.0 / 6.0);
  CHECK(out[8] == 1.0 / 3.0);
  // prefix-affinity: matched / blocks
  CHECK(out[9] == 0.75);
  CHECK(out[10] == 0.0);
  CHECK(out[11] == 0.25);
}

TEST_CASE("a scorer sees the request, the instance and the cluster") {
  LuaVm vm;
  const ScenarioSpec spec = load(vm,
      "local function probe(req, inst, cluster)\n"
      "  return req.input_tokens * 1000 + inst.index * 100 + cluster.num_instances * 10 + (req.slo_class == 'gold' and 1 or 0)\n"
      "end\n"
      "return blis.scenario{ " + kModel + "routing = { scorers = { {probe, 1} } } }");
  blis::Request r;
  r.input_len = 7;
  r.slo_class = "gold";
  const auto s = snapshots();
  std::vector<double> out(3);
  spec.external_scorers->score_all(DecisionContext{r, 0, s, 0, {}}, out);
  CHECK(out[0] == 7031);
  CHECK(out[2] == 7231);
  CHECK(spec.external_scorers->name(0) == "probe");
}

TEST_CASE("scorer failures name the scorer, where it is defined and the simulated time") {
  LuaVm vm;
  const ScenarioSpec spec = load(vm,
      "local function bad(req, inst)\n"
      "  if inst.index == 2 then error('boom') end\n"
      "  return 1\n"
      "end\n"
      "return blis.scenario{ " + kModel + "routing = { scorers = { {'load-balance', 1}, {bad, 1} } } }");
  blis::Request r;
  const auto s = snapshots();
  std::vector<double> out(3);
  try {
    spec.external_scorers->score_all(DecisionContext{r, 4242, s, 0, {}}, out);
    FAIL("expected an error");
  } catch (const blis::Error& e) {
    const std::string m = e.what();
    CAPTURE(m);
    CHECK(m.find("scorer 'bad' (test:2) failed at t=4242 us: test:3: boom") == 0);
  }
}

TEST_CASE("a scorer returning no number is an error naming it") {
  LuaVm vm;
  const ScenarioSpec spec = load(vm,
      "local function silent(req, inst) end\n"
      "return blis.scenario{ " + kModel + "routing = { scorers = { {'queue-depth', 1}, {silent, 1} } } }");
  blis::Request r;
  const auto s = snapshots();
  std::vector<double> out(3);
  try {
    spec.external_scorers->score_all(DecisionContext{r, 5, s, 0, {}}, out);
    FAIL("expected an error");
  } catch (const blis::Error& e) {
    CHECK(std::string(e.what()) ==
          "scorer 'silent' (test:2) failed at t=5 us: scorer 'silent' returned nil for instance_0, expected a number");
  }
}

TEST_CASE("admission rules: verdicts, reasons, and the token bucket of scripts/") {
  LuaVm vm;
  const ScenarioSpec spec = load(vm,
      "return blis.scenario{ " + kModel +
      "admission = require('scripts.admission.token_bucket'){ capacity = 100, refill_per_s = 1000 } }");
  REQUIRE(spec.external_admission);
  auto& rule = *spec.external_admission;
  blis::Request r;
  r.input_len = 60;
  const auto s = snapshots();
  CHECK(rule.admit(DecisionContext{r, 0, s, 0, {}}).admitted);
  const auto no = rule.admit(DecisionContext{r, 0, s, 0, {}});
  CHECK_FALSE(no.admitted);
  CHECK(no.reason == "insufficient tokens");
  CHECK(rule.admit(DecisionContext{r, 20000, s, 0, {}}).admitted);  // 40 + 20 tokens refilled

  LuaVm vm2;
  const ScenarioSpec shed = load(vm2,
      "local function shed(req, cluster) if cluster.queued > 5 then return false end return true, 'ok' end\n"
      "return blis.scenario{ " + kModel + "admission = { policy = shed, latency_us = 10 } }");
  CHECK(shed.admission_latency_us == 10);
  const auto v = shed.external_admission->admit(DecisionContext{r, 0, s, 0, {}});  // queued = 6
  CHECK_FALSE(v.admitted);
  CHECK(v.reason == "rejected by shed");
}

TEST_CASE("policies outlive nothing: a spec kept after its VM is destroyed does not crash") {
  ScenarioSpec spec;
  {
    LuaVm vm;
    spec = load(vm, "return blis.scenario{ " + kModel + "routing = { scorers = { {function() return 1 end, 1} } } }");
  }
  CHECK(spec.external_scorers);  // destroyed with the spec, after the VM: must not touch it
}
