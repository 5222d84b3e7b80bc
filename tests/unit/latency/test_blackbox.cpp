// Blackbox (alpha/beta regression) latency model, engine-core §4.1–§4.2.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "engine/core/error.h"
#include "engine/latency/blackbox_model.h"

using blis::latency::BlackboxModel;
using blis::latency::StepMember;

namespace {

// The llama-3.1-8b / H100 / TP1 row of defaults.yaml (§4.4).
const std::vector<double> kAlpha = {232.46191091038054, 1.752360364195244, 3357.4400353290152};
const std::vector<double> kBeta = {5752.705191348184, 17.25086436834028, 5.999143920128404};

StepMember prefill(int64_t progress, int64_t input_len, int64_t new_tokens) {
  return {progress, input_len, /*output_len=*/10, new_tokens};
}
StepMember decode(int64_t progress, int64_t input_len, int64_t new_tokens = 1) {
  return {progress, input_len, /*output_len=*/10, new_tokens};
}

std::string construction_error(std::vector<double> alpha, std::vector<double> beta) {
  try {
    BlackboxModel model(std::move(alpha), std::move(beta));
  } catch (const blis::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("blackbox: step time is int64(((0 + b0) + b1*P) + b2*D)") {
  const BlackboxModel model(kAlpha, kBeta);
  // 5752.705... + 17.2508...*37 + 5.9991...*1 = 6396.986...
  const std::vector<StepMember> mixed = {prefill(0, 100, 37), decode(120, 100)};
  CHECK(model.step_time(mixed) == 6396);
  // P = 37 + 63, D = 1 + 1 + 1; members are summed before the float formula.
  const std::vector<StepMember> bigger = {prefill(0, 100, 37), decode(120, 100), prefill(10, 100, 63),
                                          decode(100, 100), decode(7, 5)};
  CHECK(model.step_time(bigger) == 7495);
}

TEST_CASE("blackbox: classification of batch members") {
  const BlackboxModel model({0, 0, 0}, {0, 1000, 1});
  // progress < input_len: prefill, whatever the output length.
  CHECK(model.step_time(std::vector<StepMember>{{3, 4, 0, 2}}) == 2000);
  // progress >= input_len with output_len > 0: decode, contributes its new_tokens.
  CHECK(model.step_time(std::vector<StepMember>{{4, 4, 1, 3}}) == 3);
  // progress >= input_len with output_len == 0: contributes nothing.
  CHECK(model.step_time(std::vector<StepMember>{{4, 4, 0, 7}}) == 0);
}

TEST_CASE("blackbox: empty batch gives int64(b0)") {
  const BlackboxModel model(kAlpha, kBeta);
  CHECK(model.step_time({}) == 5752);
  // Truncation toward zero, also for negative coefficients (accepted, §4.1).
  const BlackboxModel negative(kAlpha, {-10.9, 0, 0});
  CHECK(negative.step_time({}) == -10);
}

TEST_CASE("blackbox: out-of-range float maps to INT64_MIN like Go on amd64") {
  const BlackboxModel model(kAlpha, {1e19, 10, 5});
  const std::vector<StepMember> batch = {decode(5, 5)};
  CHECK(model.step_time(batch) == std::numeric_limits<int64_t>::min());
}

TEST_CASE("blackbox: alpha-based per-request times") {
  const BlackboxModel model(kAlpha, kBeta);
  CHECK(model.queueing_time(100) == 407);    // 232.46... + 1.7523...*100 = 407.69...
  CHECK(model.queueing_time(1000) == 1984);  // 1984.82...
  CHECK(model.queueing_time(0) == 232);
  CHECK(model.output_token_processing_time() == 3357);  // int64(a2), not scaled by length
  CHECK(model.scheduling_processing_time() == 0);
  CHECK(model.preemption_processing_time() == 0);
}

TEST_CASE("blackbox: coefficient entries past index 2 are ignored") {
  // A NaN past index 2 is still refused: every entry must be finite.
  CHECK(construction_error({1, 0, 2}, {5, 0, 0, std::nan("")}).find("beta") != std::string::npos);
  const BlackboxModel fine({1, 0, 2, 99, 99}, {5, 0, 0, 42});
  CHECK(fine.step_time({}) == 5);
  CHECK(fine.output_token_processing_time() == 2);
}

TEST_CASE("blackbox: construction checks") {
  const std::string two_alpha = construction_error({1, 2}, kBeta);
  CHECK(two_alpha.find("alpha") != std::string::npos);
  CHECK(two_alpha.find("at least 3") != std::string::npos);
  CHECK(two_alpha.find("got 2") != std::string::npos);

  CHECK(construction_error(kAlpha, {1, 2}).find("beta") != std::string::npos);
  CHECK(construction_error(kAlpha, {}).find("beta") != std::string::npos);

  const std::string nan_beta = construction_error(kAlpha, {1, std::nan(""), 3});
  CHECK(nan_beta.find("beta") != std::string::npos);
  CHECK(nan_beta.find("NaN") != std::string::npos);

  const double inf = std::numeric_limits<double>::infinity();
  CHECK(construction_error({1, 2, -inf}, kBeta).find("alpha") != std::string::npos);
  CHECK(construction_error(kAlpha, {inf, 0, 0}).find("beta") != std::string::npos);
  CHECK(construction_error(kAlpha, kBeta).empty());
}
