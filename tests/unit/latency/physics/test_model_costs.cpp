// Parameter counts against the published model sizes, and bytes / FLOPs / distinct experts
// against values computed by hand (the arithmetic is in each comment).
#include <doctest/doctest.h>

#include <string>

#include "engine/latency/physics/model_costs.h"
#include "engine/latency/physics/model_shape.h"

#ifndef BLIS_SOURCE_DIR
#error "BLIS_SOURCE_DIR must name the repository root"
#endif

using namespace blis::latency::physics;

namespace {

const std::string kRoot = BLIS_SOURCE_DIR;
ModelShape hf(const std::string& name) { return load_model_shape(kRoot + "/model_configs/hf/" + name + "/config.json"); }
ModelShape fixture(const std::string& name) { return load_model_shape(kRoot + "/tests/fixtures/model_shapes/" + name); }

}  // namespace

TEST_CASE("parameter counts match the published sizes") {
  // Llama-3.1-8B: 8.03B. Exactly: 32 x (41,943,040 attention + 176,160,768 MLP + 8,192 norms)
  // + 4,096 final norm + 2 x 525,336,576 (embedding and LM head, untied) = 8,030,261,248.
  const ParameterCounts llama = count_parameters(hf("llama-3.1-8b-instruct"));
  CHECK(llama.total() == 8030261248.0);
  CHECK(llama.active == llama.total());
  CHECK(llama.attention == 32 * 41943040.0);
  CHECK(llama.lm_head == 525336576.0);

  // Qwen3-30B-A3B: 30.5B total, 3.3B active.
  const ParameterCounts qwen = count_parameters(fixture("qwen3-30b-a3b-instruct-2507.json"));
  CHECK(qwen.total() == doctest::Approx(30.5e9).epsilon(0.01));
  CHECK(qwen.active == doctest::Approx(3.3e9).epsilon(0.03));
  CHECK(qwen.routed_experts == 48 * 128 * 3 * 2048 * 768.0);

  // Mixtral-8x7B: 46.7B total, 12.9B active.
  const ParameterCounts mixtral = count_parameters(fixture("mixtral-8x7b-v0.1.json"));
  CHECK(mixtral.total() == doctest::Approx(46.7e9).epsilon(0.01));
  CHECK(mixtral.active == doctest::Approx(12.9e9).epsilon(0.01));

  // Qwen1.5-MoE-A2.7B (shared expert with gate, q/k/v biases): 14.3B total, 2.7B active.
  const ParameterCounts qwen2 = count_parameters(fixture("qwen1.5-moe-a2.7b.json"));
  CHECK(qwen2.total() == doctest::Approx(14.3e9).epsilon(0.01));
  CHECK(qwen2.active == doctest::Approx(2.7e9).epsilon(0.01));

  // Llama-4-Maverick (text model): 400B total, 17B active; 24 dense + 24 MoE layers.
  const ParameterCounts maverick = count_parameters(fixture("llama-4-maverick-17b-128e.json"));
  CHECK(maverick.total() == doctest::Approx(400e9).epsilon(0.01));
  CHECK(maverick.active == doctest::Approx(17e9).epsilon(0.02));
  CHECK(maverick.dense_mlp == 24 * 3 * 5120 * 16384.0);
}

TEST_CASE("Llama-4-Scout FP8-dynamic: parameters, bytes per GPU at TP2, KV and FLOPs by hand") {
  const ModelShape scout = hf("llama-4-scout-17b-16e-instruct-fp8-dynamic");
  const ParameterCounts p = count_parameters(scout);
  // Per layer: attention 5120 x (5120 + 2 x 1024) + 5120 x 5120 = 62,914,560; one expert (routed
  // or shared) 3 x 5120 x 8192 = 125,829,120; router 5120 x 16 = 81,920.
  CHECK(p.attention == 48 * 62914560.0);
  CHECK(p.dense_mlp == 0);                              // no dense layer
  CHECK(p.routed_experts == 48 * 16 * 125829120.0);     // 96,636,764,160
  CHECK(p.shared_experts == 48 * 125829120.0);          // the implicit shared expert
  CHECK(p.router == 48 * 81920.0);
  CHECK(p.norms == 48 * 2 * 5120.0 + 5120);             // Llama-4's q/k norm has no weights
  CHECK(p.embedding == 202048.0 * 5120);
  CHECK(p.lm_head == p.embedding);
  CHECK(p.language_model() == 107769861120.0);          // "~108B" of text weights
  // The vision tower: stem 3 x 14^2 x 1408 + 1408 + (24^2 + 1) x 1408 + 4 x 1408 = 1,647,360;
  // 34 layers x (4 x (1408^2 + 1408) + 2 x 1408 x 5632 + 5632 + 1408 + 4 x 1408) = 809,467,648;
  // adapter 5632 x 4096 + 4096^2 = 39,845,888; projector 4096 x 5120 = 20,971,520.
  CHECK(p.vision == 871932416.0);
  CHECK(p.total() == 108641793536.0);  // Meta: "109B total"
  CHECK(p.total() == doctest::Approx(109e9).epsilon(0.01));
  // A token: everything but 15 of the 16 routed experts (and not the vision tower): "17B active".
  CHECK(p.active == 107769861120.0 - 48 * 15 * 125829120.0);
  CHECK(p.active == doctest::Approx(17e9).epsilon(0.02));

  // TP2: FP8 (1 byte) attention and experts halve; router and norms stay whole in BF16;
  // embeddings, LM head and vision tower are BF16, halved.
  const WeightBytes w = weight_bytes_per_gpu(scout, {2, 1, false});
  CHECK(w.attention == 48 * 62914560.0 / 2);
  CHECK(w.routed_experts == 48 * 16 * 125829120.0 / 2);
  CHECK(w.shared_experts == 48 * 125829120.0 / 2);
  CHECK(w.other == (48 * 81920.0 + 496640) * 2);
  CHECK(w.embeddings == 2 * 1034485760.0 * 2 / 2);
  CHECK(w.vision == 871932416.0);
  CHECK(w.total() == 55797991936.0);  // 51.97 GiB of each H100's 80

  // KV: 48 layers x 2 (K, V) x 4 KV heads per GPU x 128 x 2 bytes.
  CHECK(kv_bytes_per_token_per_gpu(scout, 2, 2) == 98304);
  // Linear FLOPs: 2 x 48 x (62,914,560 + top-1 expert 125,829,120 + shared 125,829,120 + router 81,920).
  CHECK(layer_linear_flops_per_token(scout) == 30206853120.0);
  CHECK(lm_head_flops_per_token(scout) == 2.0 * 5120 * 202048);
  // One token touches 1 of 16 experts per layer; 16 tokens 16 x (1 - (15/16)^16) = 10.30.
  CHECK(routed_expert_bytes_read_per_gpu(scout, {2, 1, false}, 1) == doctest::Approx(48 * 125829120.0 / 2));
  CHECK(expected_distinct_experts(16, 1, 16) == doctest::Approx(10.3028).epsilon(1e-4));
}

TEST_CASE("tied embeddings are counted once") {
  // Qwen2.5-1.5B: 1.54B published, tied: the 151,936 x 1,536 embedding appears once.
  const ParameterCounts p = count_parameters(hf("qwen2.5-1.5b-instruct"));
  CHECK(p.lm_head == 0);
  CHECK(p.embedding == 151936.0 * 1536);
  CHECK(p.total() == doctest::Approx(1.54e9).epsilon(0.01));
}

TEST_CASE("weight bytes per GPU under TP and DP x EP") {
  const ModelShape llama = hf("llama-3.1-8b-instruct");
  CHECK(weight_bytes_per_gpu(llama, {}).total() == 2 * 8030261248.0);
  const WeightBytes tp2 = weight_bytes_per_gpu(llama, {2, 1, false});
  // Everything but the norms (266,240 parameters, replicated) halves.
  CHECK(tp2.total() == (2 * 8030261248.0 - 2 * 266240.0) / 2 + 2 * 266240.0);

  const ModelShape qwen = fixture("qwen3-30b-a3b-instruct-2507.json");
  const WeightBytes one = weight_bytes_per_gpu(qwen, {});
  const WeightBytes ep = weight_bytes_per_gpu(qwen, {1, 2, true});
  CHECK(ep.routed_experts == one.routed_experts / 2);  // experts split over the 2 DP ranks
  CHECK(ep.attention == one.attention);                // attention replicated per DP rank
  CHECK(ep.embeddings == one.embeddings);

  // FP8 linear layers: 1 byte; embeddings and LM head stay at 2.
  ModelShape fp8 = llama;
  fp8.linear_weight_bytes = 1;
  const WeightBytes w = weight_bytes_per_gpu(fp8, {});
  CHECK(w.attention == 32 * 41943040.0);
  CHECK(w.embeddings == 2 * 2 * 525336576.0);
}

TEST_CASE("KV bytes per token") {
  const ModelShape llama = hf("llama-3.1-8b-instruct");
  CHECK(kv_bytes_per_token_per_layer(llama, 2) == 4096);           // 2 x 8 heads x 128 x 2 bytes
  CHECK(kv_bytes_per_token_per_gpu(llama, 1, 2) == 131072);        // x 32 layers
  CHECK(kv_bytes_per_token_per_gpu(llama, 2, 2) == 65536);         // 4 heads per GPU
  CHECK(kv_bytes_per_token_per_gpu(llama, 16, 2) == 32 * 2 * 128 * 2);  // 1 head (replicated)
  // Qwen3-30B-A3B: 48 layers x 2 x 4 heads x 128 (explicit head_dim) x 2 bytes.
  CHECK(kv_bytes_per_token_per_gpu(fixture("qwen3-30b-a3b-instruct-2507.json"), 1, 2) == 98304);
}

TEST_CASE("matmul FLOPs per token") {
  const ModelShape llama = hf("llama-3.1-8b-instruct");
  // 2 x 32 layers x (41,943,040 + 176,160,768) parameters.
  CHECK(layer_linear_flops_per_token(llama) == 13958643712.0);
  CHECK(lm_head_flops_per_token(llama) == 2.0 * 4096 * 128256);
  // One decode token at context 99: 4 x 32 heads x 128 x 32 layers x (99 + 1) pairs.
  CHECK(attention_flops(llama, 1, 99) == 52428800.0);
  // A 4-token prefill chunk after 10 cached tokens: 4 x 10 + 4 x 5 / 2 = 50 pairs.
  CHECK(attention_flops(llama, 4, 10) == 4.0 * 32 * 128 * 32 * 50);
  // Mixtral: only the 2 chosen experts (and the router) count.
  const ModelShape mixtral = fixture("mixtral-8x7b-v0.1.json");
  CHECK(layer_linear_flops_per_token(mixtral) == 2.0 * 32 * (41943040 + 2 * 176160768.0 + 4096 * 8));
}

TEST_CASE("expected distinct experts touched by a batch") {
  CHECK(expected_distinct_experts(0, 2, 8) == 0);
  CHECK(expected_distinct_experts(1, 2, 8) == doctest::Approx(2));    // 8 x (1 - 0.75)
  CHECK(expected_distinct_experts(2, 2, 8) == doctest::Approx(3.5));  // 8 x (1 - 0.5625)
  // 128 x (1 - (120/128)^16) = 128 x (1 - 0.356069) = 82.42
  CHECK(expected_distinct_experts(16, 8, 128) == doctest::Approx(82.4232).epsilon(1e-4));
  CHECK(expected_distinct_experts(1e6, 8, 128) == doctest::Approx(128));
  // Qwen3-30B-A3B, one token, DP2 x EP2: 48 layers x 8 experts x 3 x 2048 x 768 x 2 bytes / 2 GPUs.
  const ModelShape qwen = fixture("qwen3-30b-a3b-instruct-2507.json");
  CHECK(routed_expert_bytes_read_per_gpu(qwen, {1, 2, true}, 1) == doctest::Approx(48 * 8 * 3 * 2048 * 768 * 2.0 / 2));
  CHECK(routed_expert_bytes_read_per_gpu(hf("llama-3.1-8b-instruct"), {}, 100) == 0);
}
