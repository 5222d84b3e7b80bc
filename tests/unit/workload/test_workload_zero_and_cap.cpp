// Two workload-generation corrections (engine/core/corrections.h, "Workload generation"):
// constant_keeps_zero (cluster-workload-trace §D.6, §D.10, NOTE 4) and multi_turn_cap_per_round
// (§D.10 NOTE). Each switch off reproduces the reference, on gives the corrected behaviour, and
// request lengths floor at 1 in both modes.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "engine/workload/length_sampler.h"
#include "engine/workload/spec_expansion.h"
#include "engine/workload/spec_source.h"
#include "engine/workload/workload_spec.h"

using namespace blis::workload;
using blis::core::Corrections;

namespace {

const blis::DiagnosticSink quiet = [](blis::LogLevel, const std::string&) {};

Corrections with(bool Corrections::*flag) {
  Corrections c;
  c.*flag = true;
  return c;
}

std::vector<GeneratedRequest> generate(const std::string& yaml, int64_t num_requests, const Corrections& corrections) {
  auto spec = parse_workload_spec(yaml, "test");
  expand_workload_sources(spec, corrections, quiet);
  validate_workload_spec(spec);
  SpecSource source(spec, spec.seed, 1'000'000'000'000, num_requests, corrections, quiet);
  std::vector<GeneratedRequest> out;
  GeneratedRequest r;
  while (source.next(r)) out.push_back(r);
  return out;
}

int64_t sample_once(const DistSpec& d, const Corrections& c, SampleUse use) {
  blis::core::GoRand rng(1);
  return make_length_sampler(d, c, use)->sample(rng);
}

}  // namespace

TEST_CASE("constant_keeps_zero: a constant 0 quantity stays 0; request lengths floor at 1 in both modes") {
  const DistSpec zero{"constant", {{"value", 0}}, ""};
  const DistSpec below{"constant", {{"value", -4}}, ""};
  const DistSpec seven{"constant", {{"value", 7.9}}, ""};
  const Corrections keep = with(&Corrections::constant_keeps_zero);
  const Corrections all = Corrections::for_mode(blis::core::CompatMode::Corrected);
  // Reference: every constant below 1 is 1.
  CHECK(sample_once(zero, Corrections{}, SampleUse::Quantity) == 1);
  CHECK(sample_once(below, Corrections{}, SampleUse::Quantity) == 1);
  // Corrected: a quantity keeps 0, and a negative constant means none.
  CHECK(sample_once(zero, keep, SampleUse::Quantity) == 0);
  CHECK(sample_once(below, keep, SampleUse::Quantity) == 0);
  CHECK(sample_once(seven, keep, SampleUse::Quantity) == 7);
  // A request length of 0 tokens cannot be served: 1 in every mode.
  CHECK(sample_once(zero, keep, SampleUse::RequestLength) == 1);
  CHECK(sample_once(zero, all, SampleUse::RequestLength) == 1);
  CHECK(sample_once(below, all, SampleUse::RequestLength) == 1);
}

TEST_CASE("length_floor_one floors request lengths only: a 0 quantity from an empirical stays 0") {
  const DistSpec empirical{"empirical", {{"0", 1}}, ""};
  const Corrections all = Corrections::for_mode(blis::core::CompatMode::Corrected);
  CHECK(sample_once(empirical, all, SampleUse::RequestLength) == 1);
  CHECK(sample_once(empirical, all, SampleUse::Quantity) == 0);
  CHECK(sample_once(empirical, Corrections{}, SampleUse::Quantity) == 0);
}

TEST_CASE("constant_keeps_zero: a reason ratio of constant 0 is 0.01 (reference) or 0") {
  const std::string yaml =
      "seed: 2\naggregate_rate: 10\nclients:\n  - id: chat\n    rate_fraction: 1\n    arrival: {process: poisson}\n"
      "    input_distribution: {type: constant, params: {value: 10}}\n"
      "    output_distribution: {type: constant, params: {value: 0}}\n"
      "    reasoning:\n      reason_ratio_distribution: {type: constant, params: {value: 0}}\n"
      "      multi_turn: {max_rounds: 2, think_time_us: 1000, context_growth: accumulate}\n";
  const auto reference = generate(yaml, 4, Corrections{});
  const auto corrected = generate(yaml, 4, with(&Corrections::constant_keeps_zero));
  REQUIRE(reference.size() == 4);
  REQUIRE(corrected.size() == 4);
  for (size_t i = 0; i < 4; ++i) {
    CHECK(reference[i].labels.reason_ratio == doctest::Approx(0.01));
    CHECK(corrected[i].labels.reason_ratio == 0);
    // The output constant 0 is a request length: one token in both modes, same arrivals.
    CHECK(reference[i].output.size() == 1);
    CHECK(corrected[i].output.size() == 1);
    CHECK(corrected[i].arrival == reference[i].arrival);
  }
}

TEST_CASE("constant_keeps_zero: an image count of constant 0 adds one image (reference) or none") {
  const std::string yaml =
      "seed: 2\naggregate_rate: 10\nclients:\n  - id: vision\n    rate_fraction: 1\n    arrival: {process: poisson}\n"
      "    input_distribution: {type: constant, params: {value: 10}}\n"
      "    output_distribution: {type: constant, params: {value: 5}}\n"
      "    multimodal:\n      text_distribution: {type: constant, params: {value: 20}}\n"
      "      image_distribution: {type: constant, params: {value: 576}}\n"
      "      image_count_distribution: {type: constant, params: {value: 0}}\n";
  const auto reference = generate(yaml, 3, Corrections{});
  const auto corrected = generate(yaml, 3, with(&Corrections::constant_keeps_zero));
  REQUIRE(reference.size() == 3);
  REQUIRE(corrected.size() == 3);
  for (size_t i = 0; i < 3; ++i) {
    CHECK(reference[i].labels.image_tokens == 576);
    CHECK(reference[i].input.size() == 20 + 576);
    CHECK(corrected[i].labels.image_tokens == 0);
    CHECK(corrected[i].input.size() == 20);
  }
}

namespace {

// Sessions 10 ms apart whose rounds are a second apart: the second session's round 1 arrives
// before the first session's round 2.
std::string long_sessions(int64_t max_rounds) {
  return "seed: 5\naggregate_rate: 100\nclients:\n  - id: chat\n    rate_fraction: 1\n    arrival: {process: poisson}\n"
         "    input_distribution: {type: constant, params: {value: 10}}\n"
         "    output_distribution: {type: constant, params: {value: 5}}\n"
         "    reasoning:\n      multi_turn: {max_rounds: " +
         std::to_string(max_rounds) + ", think_time_us: 1000000, context_growth: none}\n";
}

}  // namespace

TEST_CASE("multi_turn_cap_per_round: the last session overshoots the 2 x num_requests cap only in the reference") {
  // num_requests 4: a cap of 8 rounds. Session 1 has 7 rounds (7 < 8), so session 2 starts; the
  // reference generates all 7 of its rounds (14 in all), the correction stops it after 1.
  const auto reference = generate(long_sessions(7), 4, Corrections{});
  const auto corrected = generate(long_sessions(7), 4, with(&Corrections::multi_turn_cap_per_round));
  REQUIRE(reference.size() == 4);
  REQUIRE(corrected.size() == 4);
  const std::string first = reference[0].labels.session_id;
  const std::string second = reference[1].labels.session_id;
  REQUIRE(first != second);
  for (size_t i = 0; i < 3; ++i) {  // s1 r0, s2 r0, s1 r1 in both
    CHECK(corrected[i].labels.session_id == reference[i].labels.session_id);
    CHECK(corrected[i].arrival == reference[i].arrival);
  }
  // The fourth request: session 2's round 1 exists only in the reference.
  CHECK(reference[3].labels.session_id == second);
  CHECK(reference[3].labels.round_index == 1);
  CHECK(corrected[3].labels.session_id == first);
  CHECK(corrected[3].labels.round_index == 2);
}

TEST_CASE("multi_turn_cap_per_round: sessions that end at the cap are unchanged") {
  // max_rounds 2 divides the cap of 8: no session is cut, so both modes give the same requests.
  const auto reference = generate(long_sessions(2), 4, Corrections{});
  const auto corrected = generate(long_sessions(2), 4, with(&Corrections::multi_turn_cap_per_round));
  REQUIRE(reference.size() == 4);
  REQUIRE(corrected.size() == reference.size());
  for (size_t i = 0; i < reference.size(); ++i) {
    CHECK(corrected[i].arrival == reference[i].arrival);
    CHECK(corrected[i].labels.session_id == reference[i].labels.session_id);
    CHECK(corrected[i].labels.round_index == reference[i].labels.round_index);
  }
}
