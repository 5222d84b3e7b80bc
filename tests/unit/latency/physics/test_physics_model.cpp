// The physics model: coefficient files (strict reading, messages a user sees) and step time as
// the coefficient-weighted sum of the terms.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "engine/core/error.h"
#include "engine/latency/physics/physics_coefficients.h"
#include "engine/latency/physics/physics_model.h"

#ifndef BLIS_SOURCE_DIR
#error "BLIS_SOURCE_DIR must name the repository root"
#endif

using namespace blis::latency;
using namespace blis::latency::physics;

namespace {

const std::string kRoot = BLIS_SOURCE_DIR;

std::string file_with(const std::string& terms_extra = "", const std::string& host_extra = "") {
  return "source: test\n"
         "fitted_on: \"\"\n"
         "terms:\n"
         "  prefill_compute: 2\n"
         "  prefill_kv: 3\n"
         "  decode_compute: 4\n"
         "  decode_kv: 5\n"
         "  weights: 1.5\n"
         "  tp_all_reduce: 1\n"
         "  moe_routing: 0.25\n"
         "  ep_all_to_all: 1\n"
         "  per_layer: 10\n"
         "  per_request: 7\n"
         "  per_step: 100\n" +
         terms_extra +
         "  cpu_offload: 1.25\n"
         "  link_latency: 1\n"
         "host:\n"
         "  queueing_us: 200\n"
         "  queueing_us_per_input_token: 1.5\n"
         "  output_token_us: 30\n"
         "  post_decode_us: 40\n" +
         host_extra;
}

ModelShape dense() {
  ModelShape s;
  s.source = "dense.json";
  s.model_type = "llama";
  s.num_layers = 2;
  s.hidden_size = 64;
  s.num_heads = 4;
  s.num_kv_heads = 2;
  s.head_dim = 16;
  s.intermediate_size = 128;
  s.vocab_size = 1000;
  s.tie_word_embeddings = true;
  s.moe_layer = {false, false};
  return s;
}

blis::catalog::GpuSpec gpu() {
  blis::catalog::GpuSpec g;
  g.name = "Test";
  g.bf16_tflops = 100;
  g.fp8_tflops = 200;
  g.memory_bandwidth_tbs = 2;
  g.interconnect_gbs = 100;
  g.link_latency_us = 2;
  g.collective_gbs = 100;
  return g;
}

}  // namespace

TEST_CASE("physics coefficient file: every field read") {
  const PhysicsCoefficients c = parse_physics_coefficients(file_with(), "c.yaml");
  CHECK(c.terms[int(Term::kPrefillCompute)] == 2);
  CHECK(c.terms[int(Term::kWeights)] == 1.5);
  CHECK(c.terms[int(Term::kMoeRouting)] == 0.25);
  CHECK(c.terms[int(Term::kStep)] == 100);
  CHECK(c.queueing_us == 200);
  CHECK(c.queueing_us_per_input_token == 1.5);
  CHECK(c.output_token_us == 30);
  CHECK(c.post_decode_us == 40);
  CHECK(c.source == "test");
  CHECK_FALSE(c.is_fitted());
}

TEST_CASE("physics coefficient file: problems name file, line and key") {
  CHECK_THROWS_WITH_AS(parse_physics_coefficients(file_with("  weigths: 1\n"), "c.yaml"),
                       "c.yaml:15: unknown key \"weigths\" (at terms.weigths) (did you mean 'weights'?)", blis::Error);
  CHECK_THROWS_WITH_AS(parse_physics_coefficients(file_with("", "  output_token: 1\n"), "c.yaml"),
                       "c.yaml:22: unknown key \"output_token\" (at host.output_token) (did you mean 'output_token_us'?)",
                       blis::Error);
  std::string negative = file_with();
  negative.replace(negative.find("per_step: 100"), 13, "per_step: -1");
  CHECK_THROWS_WITH_AS(parse_physics_coefficients(negative, "c.yaml"),
                       "c.yaml:14: terms.per_step must be a finite number >= 0, got -1", blis::Error);
  std::string missing = file_with();
  missing.erase(missing.find("  decode_kv: 5\n"), 15);
  CHECK_THROWS_WITH_AS(parse_physics_coefficients(missing, "c.yaml"), "c.yaml:4: terms is missing decode_kv",
                       blis::Error);
  CHECK_THROWS_WITH_AS(parse_physics_coefficients("terms: {}\n", "c.yaml"),
                       doctest::Contains("missing source, fitted_on, host"), blis::Error);
  CHECK_THROWS_WITH_AS(load_physics_coefficients(kRoot + "/no/such.yaml"),
                       doctest::Contains("cannot read physics coefficients"), blis::Error);
}

TEST_CASE("the shipped coefficients: priors say they are not fitted, the default names its fit") {
  const PhysicsCoefficients priors = load_physics_coefficients(kRoot + "/model_configs/physics/priors.yaml");
  CHECK_FALSE(priors.is_fitted());  // never claim a fit that did not happen
  CHECK(priors.source.find("not fitted") != std::string::npos);
  CHECK(priors.terms[int(Term::kWeights)] == doctest::Approx(1 / 0.72));
  // default.yaml is written by `make refit-physics`: it says what it was fitted on and how.
  const PhysicsCoefficients fitted = load_physics_coefficients(kRoot + "/model_configs/physics/default.yaml");
  CHECK(fitted.is_fitted());
  CHECK(fitted.fitted_on.find("make refit-physics") != std::string::npos);
  CHECK(fitted.source.rfind("blis fit ", 0) == 0);
}

TEST_CASE("physics step time is the coefficient-weighted sum of the terms") {
  const PhysicsCoefficients c = parse_physics_coefficients(file_with(), "c.yaml");
  const PhysicsModel model(c, dense(), gpu(), {});
  const std::vector<StepMember> batch = {{0, 10, 5, 10}, {20, 12, 8, 1}};
  // Terms of this batch, from test_step_terms.cpp: prefill compute 0.0163072, prefill KV 0.00128,
  // decode compute 0.00286208, decode KV 0.002688, weights 0.138048; 2 layers, 2 requests, 1 step.
  const double expected = 2 * 0.0163072 + 3 * 0.00128 + 4 * 0.00286208 + 5 * 0.002688 + 1.5 * 0.138048 +
                          10 * 2 + 7 * 2 + 100;
  CHECK(model.step_micros(batch) == doctest::Approx(expected).epsilon(1e-12));
  CHECK(model.step_time(batch) == 134);  // 134.29... rounded
  // The host overheads go through the engine's per-request hooks.
  CHECK(model.queueing_time(100) == 350);  // 200 + 1.5 x 100
  CHECK(model.output_token_processing_time() == 30);
  CHECK(model.completion_processing_time() == 40);
}

TEST_CASE("physics host overhead: queueing_us_tp is added at TP > 1 only, and is optional in a file") {
  const PhysicsCoefficients without = parse_physics_coefficients(file_with(), "c.yaml");
  CHECK(without.queueing_us_tp == 0);
  const PhysicsCoefficients c = parse_physics_coefficients(file_with("", "  queueing_us_tp: 9000\n"), "c.yaml");
  CHECK(c.queueing_us_tp == 9000);
  ModelShape shape = dense();
  const PhysicsModel tp1(c, shape, gpu(), {1, 1, 1});
  const PhysicsModel tp2(c, shape, gpu(), {2, 1, 1});
  CHECK(tp1.queueing_time(100) == 350);         // 200 + 1.5 x 100
  CHECK(tp2.queueing_time(100) == 9000 + 350);  // the TP > 1 overhead on top
  // A refit model (fit's with_coefficients) keeps the deployment's TP.
  CHECK(tp2.with_coefficients(c)->queueing_time(100) == 9350);
  CHECK(tp1.with_coefficients(c)->queueing_time(100) == 350);
}

TEST_CASE("physics step time grows with tokens and context; TP shrinks the weight time") {
  const PhysicsCoefficients c = load_physics_coefficients(kRoot + "/model_configs/physics/default.yaml");
  const ModelShape llama = load_model_shape(kRoot + "/model_configs/hf/llama-3.1-8b-instruct/config.json");
  blis::catalog::GpuSpec h100 = gpu();
  h100.bf16_tflops = 989;
  h100.fp8_tflops = 1979;
  h100.memory_bandwidth_tbs = 3.35;
  h100.interconnect_gbs = 450;
  const PhysicsModel tp1(c, llama, h100, {1, 1, 1});
  std::vector<StepMember> batch;
  double last = tp1.step_micros(batch);
  for (int i = 0; i < 64; ++i) {
    batch.push_back(i % 4 == 0 ? StepMember{0, 512, 128, 256} : StepMember{600 + i, 512, 128, 1});
    const double now = tp1.step_micros(batch);
    CHECK(now > last);
    last = now;
  }
  const std::vector<StepMember> decode_batch(32, StepMember{1000, 512, 128, 1});
  const PhysicsModel tp2(c, llama, h100, {2, 1, 1});
  const StepTerms t1 = step_terms(tp1.constants(), decode_batch), t2 = step_terms(tp2.constants(), decode_batch);
  CHECK(t2[Term::kWeights] < t1[Term::kWeights]);
  CHECK(t2[Term::kTpAllReduce] > 0);
}
