// blis.search's decisions (stdlib_lua/blis.search_logic.lua): the SLO verdict across seeds, the
// knee's bisection against an oracle, evidence of non-monotonicity, the ranking by objective and
// the Pareto front. The Lua functions are pure, so each case runs a chunk that asserts and
// returns "ok" (or the first failed assertion's message).
#include <doctest/doctest.h>

#include <lua.hpp>
#include <string>

#include "bindings/lua_vm.h"
#include "engine/core/error.h"

namespace {

std::string run_lua(const std::string& chunk) {
  blis::bindings::LuaVm vm;
  vm.load_string("local logic = require 'blis.search_logic'\n" + chunk, "=search_logic_test");
  try {
    vm.call(0, 1);
  } catch (const blis::Error& e) {
    return e.what();
  }
  const char* out = lua_tostring(vm.state(), -1);
  return out != nullptr ? out : "(no result)";
}

// A plan with one latency limit (and optionally an attainment), as blis.search_spec makes it.
const std::string kPlan =
    "local function plan(judge, attainment)\n"
    "  return { judge = judge, pareto_metric = 'ttft_ms.p99',\n"
    "           slo = { limits = { { metric = 'ttft_ms.p99', max = 125 } }, attainment = attainment } }\n"
    "end\n"
    "local function seeds(...)\n"
    "  local out = {}\n"
    "  for i, v in ipairs({...}) do out[i] = { metrics = { ['ttft_ms.p99'] = v, completed = 10, slo_attainment = 0.99 } } end\n"
    "  return out\n"
    "end\n";

}  // namespace

TEST_CASE("search judge: the upper 95% bound across seeds must meet the limit; the mean rule is laxer") {
  CHECK(run_lua(kPlan +
                "local runs = seeds(100, 110, 120)  -- mean 110, upper bound 110 + 4.303 * 10 / sqrt(3) = 134.8\n"
                "local strict = logic.judge(plan('upper_ci'), runs)\n"
                "assert(not strict.meets, 'upper_ci must fail')\n"
                "assert(strict.seeds_meeting == 3 and strict.seeds == 3, 'every seed meets on its own')\n"
                "assert(strict.why:find('ttft_ms.p99 upper 95% CI 134.8', 1, true), strict.why)\n"
                "assert(math.abs(strict.metrics['ttft_ms.p99'].mean - 110) < 1e-9)\n"
                "local lax = logic.judge(plan('mean'), runs)\n"
                "assert(lax.meets and lax.why == nil, 'the mean meets')\n"
                "local one = logic.judge(plan('upper_ci'), seeds(120))\n"
                "assert(one.meets, 'one seed: the interval is the value')\n"
                "return 'ok'") == "ok");
}

TEST_CASE("search judge: a failed run, a run with nothing completed and a missed attainment each fail the rate") {
  CHECK(run_lua(kPlan +
                "local runs = seeds(10, 10)\n"
                "runs[2] = { error = 'boom' }\n"
                "local j = logic.judge(plan('upper_ci'), runs)\n"
                "assert(not j.meets and j.why == 'a run failed: boom', j.why)\n"
                "runs = seeds(10, 10)\n"
                "runs[1].metrics.completed = 0\n"
                "j = logic.judge(plan('upper_ci'), runs)\n"
                "assert(not j.meets and j.why:find('completed no request'), j.why)\n"
                "j = logic.judge(plan('upper_ci', { fraction = 0.995, targets = {} }), seeds(10, 10))\n"
                "assert(not j.meets and j.why:find('slo_attainment lower 95% CI 0.99 < 0.995', 1, true), j.why)\n"
                "return 'ok'") == "ok");
}

TEST_CASE("search attainment: a request that did not complete misses every target") {
  CHECK(run_lua("local reqs = { { completed = true, ttft_ms = 5, e2e_ms = 50 }, { completed = true, ttft_ms = 50, e2e_ms = 60 },\n"
                "               { completed = false, ttft_ms = 0, e2e_ms = 0 }, { completed = true, ttft_ms = 1, e2e_ms = 10 } }\n"
                "local a = logic.attainment(reqs, { { metric = 'ttft_ms', max = 10 } })\n"
                "assert(a == 0.5, a)\n"
                "assert(logic.attainment({}, {}) == 0)\n"
                "return 'ok'") == "ok");
}

TEST_CASE("search knee: bisection brackets the oracle's knee within the tolerance, or says it is out of range") {
  CHECK(run_lua("local function bisect(knee, oracle)\n"
                "  local judged, rounds = {}, 0\n"
                "  while true do\n"
                "    local need, state = logic.knee_step(knee, function(r) return judged[r] end)\n"
                "    if #need == 0 then return state, rounds end\n"
                "    rounds = rounds + 1\n"
                "    for _, r in ipairs(need) do judged[r] = oracle(r) end\n"
                "  end\n"
                "end\n"
                "for _, knee_rate in ipairs({ 1.5, 13.7, 37.3, 99 }) do\n"
                "  local s, rounds = bisect({ low = 1, high = 100, tolerance = 0.02 }, function(r) return r <= knee_rate end)\n"
                "  assert(s.status == 'bracketed', s.status)\n"
                "  assert(s.low <= knee_rate and knee_rate < s.high, knee_rate)\n"
                "  assert(s.high - s.low <= 0.02 * s.low, 'tolerance')\n"
                "  assert(rounds <= 14, rounds)  -- 1 + log2(99 / (0.02 * 1.5))\n"
                "  s = bisect({ low = 1, high = 100, step = 0.5 }, function(r) return r <= knee_rate end)\n"
                "  assert(s.low <= knee_rate and knee_rate < s.high and s.high - s.low <= 0.5, 'step')\n"
                "end\n"
                "local s = bisect({ low = 2, high = 100, tolerance = 0.05 }, function(r) return r <= 1 end)\n"
                "assert(s.status == 'below_range' and s.high == 2)\n"
                "s = bisect({ low = 2, high = 100, tolerance = 0.05 }, function(r) return true end)\n"
                "assert(s.status == 'above_range' and s.low == 100)\n"
                "return 'ok'") == "ok");
}

TEST_CASE("search non_monotone: a failing rate below a meeting one is reported") {
  CHECK(run_lua("assert(logic.non_monotone({ { rate = 1, meets = true }, { rate = 5, meets = false } }) == nil)\n"
                "local n = logic.non_monotone({ { rate = 8, meets = true }, { rate = 2, meets = true }, { rate = 4, meets = false } })\n"
                "assert(n and n.fails_at == 4 and n.meets_at == 8)\n"
                "return 'ok'") == "ok");
}

TEST_CASE("search rank and Pareto front: by objective, ties in configuration order; dominated configs left out") {
  CHECK(run_lua("local function c(index, gpus, usd, latency, feasible, knee)\n"
                "  return { index = index, resources = { gpus = gpus, usd_per_hour = usd }, latency = latency,\n"
                "           feasible = feasible, knee_rate = knee }\n"
                "end\n"
                "local configs = { c(0, 4, 8, 50, true, 30), c(1, 2, 10, 60, true, 20), c(2, 2, 6, 70, true, 25),\n"
                "                  c(3, 1, 3, 90, false, 5), c(4, 4, 8, 50, true, 30) }\n"
                "local function order(list) local out = {} for i, x in ipairs(list) do out[i] = x.index end return table.concat(out, ' ') end\n"
                "assert(order(logic.rank('fewest_gpus', configs)) == '2 1 0 4', order(logic.rank('fewest_gpus', configs)))\n"
                "assert(order(logic.rank('lowest_cost', configs)) == '2 0 4 1', order(logic.rank('lowest_cost', configs)))\n"
                "assert(order(logic.rank('highest_rate', configs)) == '0 4 2 1', order(logic.rank('highest_rate', configs)))\n"
                "local front, cost = logic.pareto(configs)\n"
                "assert(cost == 'usd_per_hour' and order(front) == '2 0 4', order(front))\n"
                "configs[3].resources.usd_per_hour = nil  -- one unpriced: the front is over GPUs\n"
                "front, cost = logic.pareto(configs)\n"
                "assert(cost == 'gpus' and order(front) == '1 0 4', order(front))  -- 1 beats 2 at equal GPUs\n"
                "front = logic.pareto(configs, true)  -- by knee over GPUs: 2 beats 1 at 2 GPUs; 0 and 4 hold the most\n"
                "assert(order(front) == '2 0 4', order(front))\n"
                "return 'ok'") == "ok");
}
