// What blis fit compares (engine/fit/simulated_metrics.h, fit_objective.h, fit_parameters.h,
// coefficients_writer.h), on hand-made requests whose metrics are worked out by hand.
#include <doctest/doctest.h>

#include <cmath>

#include "engine/fit/coefficients_writer.h"
#include "engine/fit/fit_objective.h"
#include "engine/fit/fit_parameters.h"
#include "engine/fit/fit_report.h"
#include "engine/fit/simulated_metrics.h"
#include "engine/latency/physics/physics_coefficients.h"

namespace {

using namespace blis::fit;

SimulatedRequest request(int64_t index, int64_t stage, double ttft, double e2e, double decode, int64_t tokens,
                         bool completed = true) {
  SimulatedRequest r;
  r.index = index;
  r.stage = stage;
  r.completed = completed;
  r.ttft_ms = ttft;
  r.e2e_ms = e2e;
  r.decode_ms = decode;
  r.output_tokens = tokens;
  return r;
}

double value(const char* name, const std::vector<SimulatedRequest>& rs, int stage = kWholeRun) {
  return metric_value(*parse_metric_name(name), rs, stage);
}

}  // namespace

TEST_CASE("fit metrics: inference-perf's definitions over the successful requests") {
  const std::vector<SimulatedRequest> rs = {
      request(0, 0, 10, 110, 90, 10),   // TPOT 10 over 9 gaps
      request(1, 0, 20, 420, 380, 20),  // TPOT 20 over 19 gaps
      request(2, 1, 30, 30, 0, 1),      // one token: no TPOT, no ITL gap
      request(3, 1, 99, 999, 0, 50, false),  // not completed: counts nowhere
  };
  CHECK(value("e2e_mean", rs) == doctest::Approx((110 + 420 + 30) / 3.0));
  CHECK(value("ttft_mean", rs) == doctest::Approx(20));
  CHECK(value("tpot_mean", rs) == doctest::Approx(15));
  // ITL: per token, not per request: (90 + 380) / (9 + 19).
  CHECK(value("itl_mean", rs) == doctest::Approx(470.0 / 28));
  // numpy's linear percentile of {30, 110, 420}: p50 = 110, p90 = 110 + 0.8 x 310.
  CHECK(value("e2e_p50", rs) == doctest::Approx(110));
  CHECK(value("e2e_p90", rs) == doctest::Approx(110 + 0.8 * 310));
  CHECK(value("e2e_mean", rs, 0) == doctest::Approx(265));
  CHECK(value("ttft_mean", rs, 1) == doctest::Approx(30));
  CHECK(std::isnan(value("tpot_mean", rs, 1)));
  CHECK(std::isnan(value("e2e_mean", rs, 2)));
}

TEST_CASE("fit metrics: names") {
  CHECK(parse_metric_name("e2e_p99").has_value());
  CHECK(parse_metric_name("itl_mean").has_value());
  CHECK_FALSE(parse_metric_name("itl_p90").has_value());  // chunk gaps, not comparable
  CHECK_FALSE(parse_metric_name("e2e_p98").has_value());
  CHECK(comparable_metric_names().size() == 16);
  CHECK(simulated_index_of("request_12") == 12);
  CHECK(simulated_index_of("7") == 7);
  CHECK(simulated_index_of("request_") == -1);
  CHECK(simulated_index_of("r7") == -1);
  CHECK(simulated_index_of("-3") == -1);
}

TEST_CASE("fit parameters: log(c + s) coordinates keep c >= 0 and reach 0") {
  blis::latency::physics::PhysicsCoefficients start;
  start.terms[0] = 2.0;  // prefill_compute
  start.output_token_us = 0;
  const ParameterMap map(start, {fittable_index("prefill_compute"), fittable_index("output_token_us")});
  const std::vector<double> x0 = map.start_point();
  CHECK(get_coefficient(map.coefficients_at(x0), 0) == 2.0);  // exactly: the first evaluation is the start's
  CHECK(map.coefficients_at(x0).output_token_us == doctest::Approx(0.0));
  const auto at_lower = map.coefficients_at(map.lower());
  CHECK(at_lower.terms[0] == doctest::Approx(0.0));
  CHECK(at_lower.output_token_us == doctest::Approx(0.0));
  CHECK(map.coefficients_at({x0[0] + 1.0, x0[1] + 1.0}).output_token_us > 1.0);
  CHECK(fittable_index("per_stepp") == -1);
  CHECK(fittable_names().size() == blis::latency::physics::kTermCount + 5);  // every term and the 5 host keys
}

TEST_CASE("fit coefficients file: what --out writes reads back exactly") {
  blis::latency::physics::PhysicsCoefficients c =
      blis::latency::physics::load_physics_coefficients(BLIS_SOURCE_DIR "/model_configs/physics/default.yaml");
  c.terms[3] = 0.1 + 0.2;  // not exactly representable in few digits
  c.terms[10] = 1e-7;
  c.post_decode_us = 12345.678901234567;
  c.source = "blis fit \"odd\\name\".lua --seed 3";
  c.fitted_on = "list.lua (3 experiments)";
  const std::string text = coefficients_yaml(c, "first line\n\nthird line");
  const auto back = blis::latency::physics::parse_physics_coefficients(text, "fit.yaml");
  CHECK(back.terms == c.terms);
  CHECK(back.queueing_us == c.queueing_us);
  CHECK(back.post_decode_us == c.post_decode_us);
  CHECK(back.source == c.source);
  CHECK(back.fitted_on == c.fitted_on);
  CHECK(back.is_fitted());
}

TEST_CASE("fit report: the median of an even and an odd count") {
  CHECK(median_of({3, 1, 2}) == 2);
  CHECK(median_of({4, 1, 3, 2}) == 2.5);
  CHECK(std::isnan(median_of({})));
}
