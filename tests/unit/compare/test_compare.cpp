// blis compare's statistics and report (engine/compare/): t quantiles, mean and paired-ratio
// intervals against figures worked by hand, the verdicts, and both renderings of a comparison
// built from real runs.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "engine/compare/compare_metrics.h"
#include "engine/compare/compare_report.h"
#include "engine/compare/paired_stats.h"
#include "engine/core/json_value.h"
#include "engine/report/run_summary.h"
#include "engine/simulation.h"

namespace {

using namespace blis::compare;
using blis::core::JsonValue;

const JsonValue& at(const JsonValue& object, const std::string& key) {
  for (const JsonValue::Member& m : object.members) {
    if (m.first == key) return m.second;
  }
  FAIL("no key " << key);
  throw;
}

blis::report::RunSummary summary_of(int instances, int64_t seed) {
  blis::config::ScenarioSpec spec;
  spec.format = "reference";
  spec.model = "foo";
  spec.alpha = std::vector<double>{100, 1, 50};
  spec.beta = std::vector<double>{1000, 10, 5};
  spec.instances = instances;
  spec.seed = seed;
  spec.kv_blocks = 5000;
  spec.workload.rate = 40;
  spec.workload.requests = 200;
  blis::RunOptions options;
  options.want_summary = true;
  return *blis::run_scenario(spec, [](blis::LogLevel, const std::string&) {}, options).summary;
}

CompareInput one_against_two_instances(int seeds) {
  CompareInput in;
  in.a.file = "one.lua";
  in.b.file = "two.lua";
  for (int s = 1; s <= seeds; ++s) {
    in.seeds.push_back(s);
    const blis::report::RunSummary a = summary_of(1, s), b = summary_of(2, s);
    in.a.header = a.header;
    in.b.header = b.header;
    in.a.runs.push_back(metric_values(a));
    in.b.runs.push_back(metric_values(b));
  }
  return in;
}

}  // namespace

TEST_CASE("student_t975 reads the table to 30 degrees of freedom and expands beyond") {
  CHECK(student_t975(1) == doctest::Approx(12.706));
  CHECK(student_t975(4) == doctest::Approx(2.776));
  CHECK(student_t975(30) == doctest::Approx(2.042));
  CHECK(student_t975(40) == doctest::Approx(2.0211).epsilon(1e-4));
  CHECK(student_t975(120) == doctest::Approx(1.9799).epsilon(1e-4));
  CHECK(student_t975(100000) == doctest::Approx(1.96).epsilon(1e-4));
}

TEST_CASE("mean_interval: the Student t interval worked by hand") {
  const std::vector<double> v{10, 12, 14, 16, 18};  // mean 14, sd sqrt(10), n 5
  const MeanInterval m = mean_interval(v);
  const double half = 2.776 * std::sqrt(10.0) / std::sqrt(5.0);
  CHECK(m.mean == doctest::Approx(14));
  CHECK(m.low == doctest::Approx(14 - half));
  CHECK(m.high == doctest::Approx(14 + half));
  const MeanInterval one = mean_interval(std::vector<double>{3});
  CHECK(one.low == 3);
  CHECK(one.high == 3);
}

TEST_CASE("paired_ratio: B/A with the ratio estimator's interval; pairing removes the shared noise") {
  // B is A times 0.8 exactly, seed by seed: the residuals vanish, so does the interval, however
  // much the seeds themselves vary.
  const std::vector<double> a{100, 150, 90, 130}, b{80, 120, 72, 104};
  const RatioInterval exact = paired_ratio(a, b);
  REQUIRE(exact.defined);
  CHECK(exact.ratio == doctest::Approx(0.8));
  CHECK(exact.high - exact.low == doctest::Approx(0).epsilon(1e-12));
  // Residual noise: hand-computed.  r = 405/470; d_i = b_i - r a_i.
  const std::vector<double> b2{85, 120, 70, 130};
  const RatioInterval noisy = paired_ratio(a, b2);
  const double r = 405.0 / 470.0;
  double ss = 0;
  for (size_t i = 0; i < a.size(); ++i) ss += std::pow(b2[i] - r * a[i], 2);
  const double half = 3.182 * std::sqrt(ss / 3) / (2 * 117.5);
  CHECK(noisy.ratio == doctest::Approx(r));
  CHECK(noisy.low == doctest::Approx(r - half));
  CHECK(noisy.high == doctest::Approx(r + half));
  CHECK_FALSE(paired_ratio(std::vector<double>{0, 0}, std::vector<double>{1, 2}).defined);
  CHECK_FALSE(paired_ratio(std::vector<double>{1, 2}, std::vector<double>{1}).defined);
}

TEST_CASE("verdict_of: lower and higher only when the interval excludes 1") {
  CHECK(verdict_of({100, 150, 90, 130}, {80, 120, 72, 104}) == "lower");
  CHECK(verdict_of({80, 120, 72, 104}, {100, 150, 90, 130}) == "higher");
  CHECK(verdict_of({1, 2, 3}, {1, 2, 3}) == "same");
  CHECK(verdict_of({10, 20, 30}, {12, 17, 31}) == "no clear difference");
  CHECK(verdict_of({10}, {12}) == "");                         // one seed: no interval
  CHECK(verdict_of({10, std::nan("")}, {12, 13}) == "");       // a run without the figure
}

TEST_CASE("compare_metrics: one value per metric, read from the run's summary") {
  const blis::report::RunSummary s = summary_of(2, 7);
  const std::vector<double> v = metric_values(s);
  REQUIRE(v.size() == compare_metrics().size());
  CHECK(v[0] == s.cluster.block.ttft.mean_ms);
  CHECK(compare_metrics()[0].key == std::string("ttft_ms.mean"));
  CHECK(v[14] == static_cast<double>(s.cluster.block.completed));
  CHECK(compare_metrics()[14].key == std::string("completed"));
}

TEST_CASE("render_compare_human: headers merged where equal, one row per metric, verdicts") {
  const std::string text = render_compare_human(one_against_two_instances(3));
  CHECK(text.find("over 3 seeds (1, 2, 3)") != std::string::npos);
  CHECK(text.find("A: one.lua") != std::string::npos);
  CHECK(text.find("A: 1 instance x") != std::string::npos);
  CHECK(text.find("B: 2 instances x") != std::string::npos);
  CHECK(text.find("model          foo\n") != std::string::npos);  // equal: one line, no A:/B:
  for (const CompareMetric& m : compare_metrics()) CHECK(text.find(m.title) != std::string::npos);
  // Two instances at 40 req/s queue less than one: B's mean E2E is lower, clearly.
  const size_t row = text.find("E2E mean (ms)");
  REQUIRE(row != std::string::npos);
  CHECK(text.substr(row, text.find('\n', row) - row).find("lower") != std::string::npos);
}

TEST_CASE("render_compare_json: schema, sides, per-seed values and the ratio") {
  const CompareInput in = one_against_two_instances(2);
  const JsonValue doc = blis::core::parse_json(render_compare_json(in));
  CHECK(at(doc, "schema").text == kCompareSchema);
  CHECK(at(doc, "seeds").items.size() == 2);
  CHECK(at(at(doc, "a"), "file").text == "one.lua");
  const std::vector<JsonValue>& metrics = at(doc, "metrics").items;
  REQUIRE(metrics.size() == compare_metrics().size());
  const JsonValue& ttft = metrics[0];
  CHECK(at(ttft, "name").text == "ttft_ms.mean");
  CHECK(at(at(ttft, "a"), "per_seed").items.size() == 2);
  const double a = at(at(ttft, "a"), "mean").number, b = at(at(ttft, "b"), "mean").number;
  CHECK(at(at(ttft, "ratio_b_over_a"), "value").number == doctest::Approx(b / a).epsilon(1e-5));
}
