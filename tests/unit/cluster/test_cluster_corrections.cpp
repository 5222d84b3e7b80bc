// The cluster, routing and trace corrections (issue #12), each in both modes: prefix_affinity_key
// (§B.3), weighted_regret (§F.2) and horizon_in_flight (§A.7).
#include <doctest/doctest.h>

#include <array>
#include <string>
#include <vector>

#include "engine/cluster/cluster_simulation.h"
#include "engine/cluster/router.h"
#include "engine/config/run_config.h"
#include "engine/trace/decision_trace.h"

using namespace blis;
using namespace blis::cluster;

namespace {

std::vector<RoutingSnapshot> loads(std::initializer_list<int64_t> queue_depths) {
  std::vector<RoutingSnapshot> out;
  int32_t i = 0;
  for (const int64_t q : queue_depths) {
    RoutingSnapshot s;
    s.index = i++;
    s.queue_depth = q;
    out.push_back(s);
  }
  return out;
}

// A system prompt of `shared` tokens followed by `own` tokens unique to `user`.
Request prompt(int shared, int own, int user) {
  Request r;
  for (int i = 0; i < shared; ++i) r.input.push_back(i);
  for (int i = 0; i < own; ++i) r.input.push_back(100000 * (user + 1) + i);
  r.input_len = static_cast<int64_t>(r.input.size());
  return r;
}

}  // namespace

TEST_CASE("prefix_affinity_key: requests sharing a system prompt share an instance only when corrected") {
  RouterConfig cfg;
  cfg.policy = RoutingPolicyKind::PrefixAffinity;
  cfg.block_size = 4;
  for (const bool corrected : {false, true}) {
    CAPTURE(corrected);
    Router router(cfg, 3, corrected);
    // Instance 0 is the least loaded at first; later it is the busiest.
    const RoutingDecision first = router.route(prompt(8, 8, 0), loads({0, 1, 2}), 0);
    CHECK(first.target == 0);
    CHECK(first.reason.text() == "prefix-affinity (cache-miss, fallback to least-loaded)");
    // Same 8-token system prompt (two blocks), another user: the reference keys on the whole
    // aligned input, so it misses and goes to the now least-loaded instance 1.
    const RoutingDecision second = router.route(prompt(8, 8, 1), loads({5, 1, 2}), 1);
    CHECK(second.target == (corrected ? 0 : 1));
    CHECK(second.reason.text() == (corrected ? "prefix-affinity (cache-hit)"
                                             : "prefix-affinity (cache-miss, fallback to least-loaded)"));
    // An unrelated prompt misses in both modes and falls back to least-loaded.
    const RoutingDecision other = router.route(prompt(0, 12, 7), loads({5, 4, 2}), 2);
    CHECK(other.target == 2);
    CHECK(other.reason.text() == "prefix-affinity (cache-miss, fallback to least-loaded)");
    // An identical input sticks in both modes.
    const RoutingDecision again = router.route(prompt(8, 8, 0), loads({5, 1, 2}), 3);
    CHECK(again.target == 0);
    CHECK(again.reason.text() == "prefix-affinity (cache-hit)");
  }
}

TEST_CASE("prefix_affinity_key: the longest leading run of routed blocks wins over load") {
  RouterConfig cfg;
  cfg.policy = RoutingPolicyKind::PrefixAffinity;
  cfg.block_size = 4;
  Router router(cfg, 3, true);
  CHECK(router.route(prompt(4, 4, 0), loads({0, 1, 1}), 0).target == 0);   // blocks A, x0
  CHECK(router.route(prompt(12, 4, 1), loads({1, 0, 1}), 0).target == 0);  // shares A with 0 -> 0
  CHECK(router.route(prompt(4, 8, 2), loads({9, 0, 1}), 0).target == 0);   // shares A only: still 0, the only holder
  // A B C (three blocks) were routed only to instance 0, which wins although it is the busiest.
  CHECK(router.route(prompt(12, 0, 3), loads({9, 0, 0}), 0).target == 0);
  // Shorter than a block: both modes key on all its tokens (no block to share).
  Request tiny;
  tiny.input = {1, 2};
  tiny.input_len = 2;
  CHECK(router.route(tiny, loads({3, 2, 1}), 0).target == 2);
  CHECK(router.route(tiny, loads({3, 2, 9}), 0).target == 2);
}

TEST_CASE("weighted_regret: a scored decision's regret is its load gap, not 0, when corrected") {
  auto s = loads({4, 1, 3});
  std::vector<double> scores{0.9, 0.5, 0.1};  // the weighted policy chose instance 0, its argmax
  std::vector<trace::CandidateScore> top;
  double regret = -1;
  trace::compute_counterfactual(0, scores, s, 2, top, regret, false);
  CHECK(regret == 0.0);  // reference: the argmax of its own scores
  trace::compute_counterfactual(0, scores, s, 2, top, regret, true);
  CHECK(regret == 3.0);  // load 4 against the least-loaded instance's 1
  REQUIRE(top.size() == 2);
  CHECK(top[0].instance == 0);  // candidates are still ranked by the decision's scores
  CHECK(top[1].instance == 1);
  // Load-based decisions (no scores) already have this definition; both modes agree.
  double a = -1, b = -1;
  trace::compute_counterfactual(2, std::nullopt, s, 2, top, a, false);
  trace::compute_counterfactual(2, std::nullopt, s, 2, top, b, true);
  CHECK(a == 2.0);
  CHECK(b == 2.0);
  // k = 0 computes nothing in either mode.
  trace::compute_counterfactual(0, scores, s, 0, top, regret, true);
  CHECK(regret == 0.0);
}

namespace {

struct Outcome {
  std::optional<ClusterSimulation::InFlight> in_flight;
  int64_t arrived = 0, registered = 0, injected = 0, rejected = 0, in_transit_pending = 0;
  std::vector<std::string> warnings;
};

Outcome run_cut_off(bool corrected) {
  config::ScenarioSpec spec;
  spec.compat_mode = "reference";
  spec.compat_overrides = {{"horizon_in_flight", corrected}};
  spec.model = "generated";
  spec.alpha = std::vector<double>{100, 1, 50};
  spec.beta = std::vector<double>{1000, 10, 5};
  spec.instances = 2;
  spec.horizon_us = 2'000'000;
  spec.admission_latency_us = 150'000;  // long control-plane latencies: the horizon catches
  spec.routing_latency_us = 150'000;    // requests before and after the routing decision
  spec.workload.kind = "distribution";
  spec.workload.rate = 20;
  spec.workload.requests = 200;
  spec.workload.prompt_tokens = {100, 60, 50, 200};  // the reference range-checks the stdev (§8.4)
  spec.workload.output_tokens = {10, 6, 5, 20};
  Outcome out;
  const DiagnosticSink log = [&](LogLevel level, const std::string& m) {
    if (level == LogLevel::Warning) out.warnings.push_back(m);
  };
  const config::RunConfig config = config::resolve(spec, log);
  ClusterSimulation sim(config, log);
  sim.run();
  out.in_flight = sim.in_flight();
  for (const Request& r : sim.requests()) {
    if (r.arrival <= config.horizon) ++out.arrived;
    if (r.registered) ++out.registered;
  }
  for (const auto& inst : sim.instances()) {
    const auto& k = inst->counters();
    out.injected += k.completed + k.dropped_unservable + static_cast<int64_t>(inst->wait_queue_size()) +
                    static_cast<int64_t>(inst->running_size());
  }
  for (const int64_t p : sim.pending()) out.in_transit_pending += p;
  out.rejected = sim.rejected_requests();
  return out;
}

}  // namespace

TEST_CASE("horizon_in_flight: requests cut off by the horizon are counted, without the warning, when corrected") {
  const Outcome reference = run_cut_off(false);
  CHECK_FALSE(reference.in_flight.has_value());
  REQUIRE(reference.in_transit_pending > 0);  // the setup cuts requests off between routing and queueing
  bool blamed = false;
  for (const auto& w : reference.warnings) blamed |= w.find("had not reached its wait queue") != std::string::npos;
  CHECK(blamed);

  const Outcome corrected = run_cut_off(true);
  REQUIRE(corrected.in_flight.has_value());
  CHECK(corrected.in_flight->in_transit == corrected.in_transit_pending);
  CHECK(corrected.in_flight->in_transit > 0);
  CHECK(corrected.in_flight->awaiting_decision > 0);
  for (const auto& w : corrected.warnings) CHECK(w.find("had not reached its wait queue") == std::string::npos);
  // Conservation: every request that arrived is routed, rejected or awaiting a decision, and
  // every routed one is in an instance's counts or in transit.
  CHECK(corrected.registered == corrected.injected + corrected.in_flight->in_transit);
  CHECK(corrected.arrived == corrected.registered + corrected.rejected + corrected.in_flight->awaiting_decision);
  // The simulation itself is the same.
  CHECK(corrected.injected == reference.injected);
  CHECK(corrected.registered == reference.registered);
}
