// The physics model's basis terms against values computed by hand for tiny synthetic shapes (the
// arithmetic is in the comments), and the properties a capacity planner relies on.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "engine/core/error.h"
#include "engine/latency/physics/step_terms.h"

using namespace blis::latency;
using namespace blis::latency::physics;

namespace {

// 2 layers, hidden 64, 4 query heads and 2 KV heads of 16, MLP 128, vocabulary 1000, tied.
// Parameters: attention 2 x (64 x (64 + 2 x 32) + 64 x 64) = 24,576; MLP 2 x 3 x 64 x 128 =
// 49,152; norms 2 x 2 x 64 + 64 = 320; embedding 64,000 (LM head tied). Total 138,048.
ModelShape dense_gqa() {
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

// The same attention, both layers MoE with 8 experts of width 32, top-2, FP8 linear weights.
ModelShape moe_fp8() {
  ModelShape s = dense_gqa();
  s.source = "moe.json";
  s.model_type = "mixtral";
  s.intermediate_size = 0;
  s.num_experts = 8;
  s.experts_per_token = 2;
  s.moe_intermediate_size = 32;
  s.moe_layer = {true, true};
  s.quantization = "fp8";
  s.linear_weight_bytes = 1;
  s.linear_activation_bytes = 1;
  return s;
}

// Round figures: 1e-8 µs per BF16 FLOP, 5e-9 per FP8 FLOP, 5e-7 µs per byte of memory, 1e-5 µs
// per byte of interconnect.
blis::catalog::GpuSpec gpu() {
  blis::catalog::GpuSpec g;
  g.name = "Test";
  g.memory_gib = 80;
  g.bf16_tflops = 100;
  g.fp8_tflops = 200;
  g.memory_bandwidth_tbs = 2;
  g.interconnect_gbs = 100;
  g.host_link_gbs = 64;
  g.link_latency_us = 2;
  g.collective_gbs = 100;
  return g;
}

StepMember prefill(int64_t progress, int64_t input, int64_t n) { return {progress, input, 5, n}; }
StepMember decode(int64_t progress, int64_t input) { return {progress, input, 8, 1}; }

}  // namespace

TEST_CASE("physics terms of a dense GQA model with tied embeddings, by hand") {
  const StepConstants k = make_step_constants(dense_gqa(), gpu(), {});
  // A whole 10-token prompt, and a decode at context 20.
  const std::vector<StepMember> batch = {prefill(0, 10, 10), decode(20, 12)};
  const StepTerms t = step_terms(k, batch);
  // Linear FLOPs per token 2 x (24,576 + 49,152) = 147,456; LM head 2 x 64 x 1000 = 128,000;
  // attention 4 x 4 x 16 x 2 = 512 per (query, key) pair. Prefill: 10 x 11 / 2 = 55 pairs, the
  // prompt completes so one LM head: (1,474,560 + 128,000 + 28,160) x 1e-8.
  CHECK(t[Term::kPrefillCompute] == doctest::Approx(0.0163072).epsilon(1e-12));
  // KV per token: 2 layers x 2 (K, V) x 2 heads x 16 x 2 bytes = 256. Prefill writes 10 tokens.
  CHECK(t[Term::kPrefillKv] == doctest::Approx(2560 * 5e-7).epsilon(1e-12));
  // Decode: 1 token, 20 + 1 pairs: (147,456 + 128,000 + 21 x 512) x 1e-8.
  CHECK(t[Term::kDecodeCompute] == doctest::Approx(0.00286208).epsilon(1e-12));
  // Decode reads 20 tokens of context and writes 1: 21 x 256 bytes.
  CHECK(t[Term::kDecodeKv] == doctest::Approx(21 * 256 * 5e-7).epsilon(1e-12));
  // Every weight once, 2 bytes each: 138,048 x 2 = 276,096 bytes (the tied embedding once).
  CHECK(t[Term::kWeights] == doctest::Approx(276096 * 5e-7).epsilon(1e-12));
  CHECK(t[Term::kTpAllReduce] == 0);
  CHECK(t[Term::kMoeRouting] == 0);
  CHECK(t[Term::kEpAllToAll] == 0);
  CHECK(t[Term::kLinkLatency] == 0);  // one GPU: no collectives
  CHECK(t[Term::kLayers] == 2);
  CHECK(t[Term::kRequests] == 2);
  CHECK(t[Term::kStep] == 1);
}

TEST_CASE("physics terms with an explicit head_dim (Qwen3-style), untied embeddings, by hand") {
  ModelShape s = dense_gqa();
  s.model_type = "qwen3";  // q/k norms: 2 x head_dim per layer
  s.head_dim = 32;         // not hidden / heads = 16
  s.tie_word_embeddings = false;
  const StepConstants k = make_step_constants(s, gpu(), {});
  const std::vector<StepMember> batch = {decode(9, 5)};
  const StepTerms t = step_terms(k, batch);
  // Attention per layer: 64 x (128 + 2 x 64) + 128 x 64 = 24,576; MLP 24,576. Linear FLOPs
  // 2 x 2 x (24,576 + 24,576) = 196,608; LM head 128,000; attention 4 x 4 x 32 x 2 = 1,024 per
  // pair, 9 + 1 pairs: (196,608 + 128,000 + 10,240) x 1e-8.
  CHECK(t[Term::kDecodeCompute] == doctest::Approx(0.00334848).epsilon(1e-12));
  // KV: 2 layers x 2 x 2 heads x 32 x 2 bytes = 512 per token, 10 tokens.
  CHECK(t[Term::kDecodeKv] == doctest::Approx(10 * 512 * 5e-7).epsilon(1e-12));
  // Weights: 49,152 attention + 49,152 MLP + norms (2 x 2 x 64 + 64 + 2 x 2 x 32 = 448) +
  // embedding and LM head 2 x 64,000 = 226,752 parameters, 2 bytes each.
  CHECK(t[Term::kWeights] == doctest::Approx(453504 * 5e-7).epsilon(1e-12));
}

TEST_CASE("physics terms under tensor parallelism") {
  const std::vector<StepMember> batch = {prefill(0, 10, 10), decode(20, 12)};
  const StepTerms one = step_terms(make_step_constants(dense_gqa(), gpu(), {}), batch);
  const StepTerms two = step_terms(make_step_constants(dense_gqa(), gpu(), {2, 1, 1}), batch);
  // 2 all-reduces per layer x 2 layers x 2(2-1)/2 x 64 x 2 bytes x 1e-5 = 0.00512 µs per token.
  CHECK(two[Term::kTpAllReduce] == doctest::Approx(11 * 0.00512).epsilon(1e-12));
  // Norms (320 parameters) stay whole; everything else halves.
  CHECK(two[Term::kWeights] == doctest::Approx(((276096 - 640) / 2.0 + 640) * 5e-7).epsilon(1e-12));
  CHECK(two[Term::kWeights] < one[Term::kWeights]);
  CHECK(two[Term::kPrefillCompute] == doctest::Approx(one[Term::kPrefillCompute] / 2).epsilon(1e-12));
  CHECK(two[Term::kDecodeKv] == doctest::Approx(one[Term::kDecodeKv] / 2).epsilon(1e-12));  // 1 KV head each
  // Weight bytes per GPU fall as TP grows.
  const StepTerms four = step_terms(make_step_constants(dense_gqa(), gpu(), {4, 1, 1}), batch);
  CHECK(four[Term::kWeights] < two[Term::kWeights]);
  // Link latency: 2 all-reduces per layer x 2 layers, each a ring of 2(tp-1) messages of 2 µs,
  // whatever the batch: 4 x 2 x 2 = 16 µs at TP 2, 4 x 6 x 2 = 48 µs at TP 4.
  CHECK(one[Term::kLinkLatency] == 0);
  CHECK(two[Term::kLinkLatency] == doctest::Approx(16).epsilon(1e-12));
  CHECK(four[Term::kLinkLatency] == doctest::Approx(48).epsilon(1e-12));
  const std::vector<StepMember> one_decode = {decode(20, 12)};
  CHECK(step_terms(make_step_constants(dense_gqa(), gpu(), {2, 1, 1}), one_decode)[Term::kLinkLatency] ==
        two[Term::kLinkLatency]);
  // A step that computes nothing sends nothing.
  const std::vector<StepMember> empty;
  CHECK(step_terms(make_step_constants(dense_gqa(), gpu(), {2, 1, 1}), empty)[Term::kLinkLatency] == 0);
}

TEST_CASE("physics terms of an FP8 MoE model: touched experts, routing, all-to-all") {
  const StepConstants k = make_step_constants(moe_fp8(), gpu(), {});
  const std::vector<StepMember> one_token = {decode(5, 5)};
  const StepTerms t = step_terms(k, one_token);
  // One expert: 3 x 64 x 32 = 6,144 bytes at 1 byte. One token touches 8 x (1 - 6/8) = 2 experts
  // per layer: 2 x 2 x 6,144 = 24,576 bytes. Resident: attention 24,576 (FP8) + router
  // 2 x 64 x 8 x 2 = 2,048 + norms 640 + embedding 128,000 = 155,264 bytes.
  CHECK(t[Term::kWeights] == doctest::Approx((155264 + 24576) * 5e-7).epsilon(1e-12));
  // Linear FLOPs 2 x (24,576 + 2 x (2 x 6,144 + 512)) = 100,352 at the FP8 peak; LM head and
  // 5 + 1 attention pairs at the BF16 peak.
  CHECK(t[Term::kDecodeCompute] == doctest::Approx(100352 * 5e-9 + (128000 + 6 * 512) * 1e-8).epsilon(1e-12));
  CHECK(t[Term::kMoeRouting] == 4);  // 1 token x top-2 x 2 MoE layers

  // Two tokens touch 8 x (1 - 0.75^2) = 3.5 experts per layer.
  const std::vector<StepMember> two_tokens = {decode(5, 5), decode(7, 5)};
  CHECK(step_terms(k, two_tokens)[Term::kWeights] ==
        doctest::Approx((155264 + 2 * 3.5 * 6144) * 5e-7).epsilon(1e-12));
  // Many tokens touch every expert: all 98,304 routed bytes.
  std::vector<StepMember> many(400, decode(5, 5));
  CHECK(step_terms(k, many)[Term::kWeights] == doctest::Approx((155264 + 98304) * 5e-7).epsilon(1e-9));

  // DP 2 x EP 2: experts split over 2 GPUs, both ranks' tokens (2 x 1) touch 3.5 per layer.
  const StepConstants ep = make_step_constants(moe_fp8(), gpu(), {1, 2, 2});
  const StepTerms e = step_terms(ep, one_token);
  CHECK(e[Term::kWeights] == doctest::Approx((155264 + 2 * 3.5 * 6144 / 2) * 5e-7).epsilon(1e-12));
  // Dispatch (all-gather) + combine (reduce-scatter) x 2 MoE layers: the other DP rank's token,
  // 64 x 2 bytes, each way, at 1e-5 µs per byte, whatever the top-k.
  CHECK(e[Term::kEpAllToAll] == doctest::Approx(2 * 2 * 128 * 1e-5).epsilon(1e-12));
  // EP over TP ranks without DP exchanges nothing: the all-reduce combines the experts.
  const StepTerms tp_ep = step_terms(make_step_constants(moe_fp8(), gpu(), {2, 1, 2}), one_token);
  CHECK(tp_ep[Term::kEpAllToAll] == 0);
  CHECK(tp_ep[Term::kLinkLatency] == doctest::Approx(2 * 2 * 2 * 2).epsilon(1e-12));  // the all-reduces only
  CHECK(t[Term::kEpAllToAll] == 0);
  // Dispatch + combine x 2 MoE layers, each an all-to-all of ep-1 = 1 message of 2 µs (TP 1: no
  // all-reduce).
  CHECK(e[Term::kLinkLatency] == doctest::Approx(2 * 2 * 1 * 2).epsilon(1e-12));

  // Weight-only 8-bit (W8A16) dequantizes and multiplies at the BF16 peak.
  ModelShape w8a16 = moe_fp8();
  w8a16.linear_activation_bytes = 2;
  CHECK(step_terms(make_step_constants(w8a16, gpu(), {}), one_token)[Term::kDecodeCompute] ==
        doctest::Approx((100352 + 128000 + 6 * 512) * 1e-8).epsilon(1e-12));
  // A GPU without FP8 tensor cores runs FP8 weights at its BF16 peak.
  blis::catalog::GpuSpec no_fp8 = gpu();
  no_fp8.fp8_tflops = 0;
  CHECK(step_terms(make_step_constants(moe_fp8(), no_fp8, {}), one_token)[Term::kDecodeCompute] ==
        doctest::Approx((100352 + 128000 + 6 * 512) * 1e-8).epsilon(1e-12));
}

TEST_CASE("a multimodal model's vision tower takes memory but no step time") {
  ModelShape s = dense_gqa();
  s.vision.model_type = "llama4_vision_model";
  s.vision.num_layers = 1;
  s.vision.hidden_size = 8;
  s.vision.intermediate_size = 16;
  s.vision.num_channels = 3;
  s.vision.patch_size = 2;
  s.vision.image_size = 4;
  s.vision.projector_input_dim = 4;
  s.vision.projector_output_dim = 4;
  s.vision.vision_output_dim = 4;
  // stem 3 x 4 x 8 + 8 + (4 + 1) x 8 + 32 = 176; layer 4 x 72 + 256 + 16 + 8 + 32 = 600;
  // adapter 16 x 4 + 16 = 80; projector 4 x 64 = 256. 1,112 parameters, 2 bytes each.
  CHECK(weight_bytes_per_gpu(s, {}).vision == 2224);
  CHECK(weight_bytes_per_gpu(s, {}).total() == 276096 + 2224);
  const std::vector<StepMember> batch = {decode(20, 12)};
  CHECK(step_terms(make_step_constants(s, gpu(), {}), batch)[Term::kWeights] ==
        step_terms(make_step_constants(dense_gqa(), gpu(), {}), batch)[Term::kWeights]);
}

TEST_CASE("physics terms agree with the model-cost functions") {
  const ModelShape s = moe_fp8();
  const StepConstants k = make_step_constants(s, gpu(), {});
  for (int tokens : {1, 3, 17}) {
    const std::vector<StepMember> batch(static_cast<size_t>(tokens), decode(5, 5));
    const double resident = weight_bytes_per_gpu(s, {}).total() - weight_bytes_per_gpu(s, {}).routed_experts;
    CHECK(step_terms(k, batch)[Term::kWeights] ==
          doctest::Approx((resident + routed_expert_bytes_read_per_gpu(s, {}, tokens)) * 5e-7).epsilon(1e-12));
  }
}

TEST_CASE("physics terms grow with the batch") {
  const StepConstants k = make_step_constants(moe_fp8(), gpu(), {});
  std::vector<StepMember> batch;
  StepTerms last = step_terms(k, batch);
  CHECK(last[Term::kWeights] == 0);  // nothing computed, nothing read
  for (int i = 0; i < 20; ++i) {
    batch.push_back(i % 3 == 0 ? prefill(0, 64, 32) : decode(100 + i, 50));
    const StepTerms now = step_terms(k, batch);
    for (int term = 0; term < kTermCount; ++term) CHECK(now.values[term] >= last.values[term]);
    CHECK(now[Term::kPrefillCompute] + now[Term::kDecodeCompute] >
          last[Term::kPrefillCompute] + last[Term::kDecodeCompute]);
    last = now;
  }
  // A longer context costs more KV traffic and attention.
  const std::vector<StepMember> short_ctx = {decode(100, 50)}, long_ctx = {decode(1000, 50)};
  CHECK(step_terms(k, long_ctx)[Term::kDecodeKv] > step_terms(k, short_ctx)[Term::kDecodeKv]);
  CHECK(step_terms(k, long_ctx)[Term::kDecodeCompute] > step_terms(k, short_ctx)[Term::kDecodeCompute]);
}

TEST_CASE("physics deployments that cannot exist are refused") {
  CHECK_THROWS_WITH_AS(make_step_constants(dense_gqa(), gpu(), {0, 1, 1}), "physics latency model: tp must be >= 1, got 0",
                       blis::Error);
  CHECK_THROWS_WITH_AS(make_step_constants(moe_fp8(), gpu(), {2, 2, 3}),
                       doctest::Contains("ep must be 1 (no expert parallelism) or tp x dp = 4"), blis::Error);
  CHECK_THROWS_WITH_AS(make_step_constants(dense_gqa(), gpu(), {1, 2, 2}),
                       doctest::Contains("needs a mixture-of-experts model; dense.json has no experts"), blis::Error);
}

TEST_CASE("cpu offload: the offloaded weights leave the memory term and cross the host link every step") {
  // The dense model holds 276,096 weight bytes on one GPU; offload 100,000 of them (a 64 GB/s
  // host link: 1 / (64 x 1e3) µs per byte).
  Deployment offload;
  offload.cpu_offload_bytes = 100000;
  const StepConstants k = make_step_constants(dense_gqa(), gpu(), offload);
  const std::vector<StepMember> batch = {prefill(0, 10, 10), decode(20, 12)};
  const StepTerms t = step_terms(k, batch);
  CHECK(t[Term::kWeights] == doctest::Approx((276096 - 100000) * 5e-7).epsilon(1e-12));
  CHECK(t[Term::kCpuOffload] == doctest::Approx(100000 / 64e3).epsilon(1e-12));  // 1.5625 µs
  // Without an offload the term is zero; a step that computes nothing reads nothing either.
  CHECK(step_terms(make_step_constants(dense_gqa(), gpu(), {}), batch)[Term::kCpuOffload] == 0);
  const std::vector<StepMember> idle = {{12, 12, 0, 0}};
  CHECK(step_terms(k, idle)[Term::kCpuOffload] == 0);
  // The coefficient file names the term.
  CHECK(std::string(kTermNames[int(Term::kCpuOffload)]) == "cpu_offload");
}

TEST_CASE("cpu offload beyond an MoE model's always-read weights comes out of its routed experts") {
  const ModelShape s = moe_fp8();
  const WeightBytes w = weight_bytes_per_gpu(s, {});
  const double resident = w.total() - w.routed_experts;
  Deployment offload;
  offload.cpu_offload_bytes = resident + 1000;
  const StepConstants k = make_step_constants(s, gpu(), offload);
  CHECK(k.resident_weight_bytes == 0);
  CHECK(k.routed_bytes_if_all_touched == w.routed_experts - 1000);
  CHECK(k.cpu_offload_us == doctest::Approx((resident + 1000) / 64e3).epsilon(1e-12));
}

TEST_CASE("cpu offload must be between 0 and the weights on one GPU") {
  Deployment too_much;
  too_much.cpu_offload_bytes = weight_bytes_per_gpu(dense_gqa(), {}).total() + 1;
  CHECK_THROWS_WITH_AS(make_step_constants(dense_gqa(), gpu(), too_much),
                       doctest::Contains("cpu offload must be between 0 and the"), blis::Error);
  Deployment negative;
  negative.cpu_offload_bytes = -1;
  CHECK_THROWS_AS(make_step_constants(dense_gqa(), gpu(), negative), blis::Error);
}
