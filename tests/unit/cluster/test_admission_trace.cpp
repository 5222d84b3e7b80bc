// Admission policies (§B.1) and counterfactual regret (§F.2).
#include <doctest/doctest.h>

#include "engine/cluster/admission.h"
#include "engine/trace/decision_trace.h"

using namespace blis;
using namespace blis::cluster;

namespace {

AdmissionVerdict ask(Admission& a, int64_t input_len, Tick clock) {
  Request r;
  r.input_len = input_len;
  return a.admit(DecisionContext{r, clock, {}, 0, {}});
}

}  // namespace

TEST_CASE("token bucket: starts full, refills with elapsed time, rejections are free") {
  AdmissionConfig cfg;
  cfg.kind = AdmissionKind::TokenBucket;
  cfg.capacity = 100;
  cfg.refill_per_s = 1000;  // one token per millisecond
  Admission a(cfg);
  CHECK(ask(a, 60, 0).admitted);
  const AdmissionVerdict no = ask(a, 60, 0);
  CHECK_FALSE(no.admitted);
  CHECK(no.reason == "insufficient tokens");
  CHECK_FALSE(ask(a, 60, 10000).admitted);  // 40 + 10 = 50 < 60
  CHECK(ask(a, 60, 20000).admitted);        // 50 + 10 = 60
  CHECK_FALSE(ask(a, 101, 10000000).admitted);  // never more than capacity
}

TEST_CASE("always-admit and reject-all") {
  Admission all(AdmissionConfig{});
  CHECK(ask(all, 5, 0).admitted);
  AdmissionConfig cfg;
  cfg.kind = AdmissionKind::RejectAll;
  Admission none(cfg);
  const AdmissionVerdict v = ask(none, 5, 0);
  CHECK_FALSE(v.admitted);
  CHECK(v.reason == "reject-all");
}

TEST_CASE("counterfactual: load fallback, id-byte tie order, regret against the best of all") {
  std::vector<RoutingSnapshot> s(12);
  for (int i = 0; i < 12; ++i) {
    s[static_cast<size_t>(i)].index = i;
    s[static_cast<size_t>(i)].queue_depth = 5;
  }
  s[2].queue_depth = 1;
  s[10].queue_depth = 1;  // ties with instance_2; "instance_10" sorts first by bytes
  std::vector<trace::CandidateScore> top;
  double regret = -1;
  trace::compute_counterfactual(7, std::nullopt, s, 2, top, regret);
  REQUIRE(top.size() == 2);
  CHECK(top[0].instance == 10);
  CHECK(top[1].instance == 2);
  CHECK(top[0].score == -1.0);
  CHECK(regret == 4.0);
  trace::compute_counterfactual(7, std::nullopt, s, 0, top, regret);
  CHECK(top.empty());
  CHECK(regret == 0.0);
  // With a score map the chosen argmax has no regret.
  std::vector<double> scores(12, 0.1);
  scores[3] = 0.9;
  trace::compute_counterfactual(3, scores, s, 30, top, regret);
  CHECK(top.size() == 12);
  CHECK(top[0].instance == 3);
  CHECK(regret == 0.0);
}
