// The profiled model's skew correction (skew_fit.h) and tensor-parallel all-reduce
// (all_reduce.h), checked against hand-computed values on a synthetic profile.
#include <doctest/doctest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engine/core/error.h"
#include "engine/latency/profiled/all_reduce.h"
#include "engine/latency/profiled/layer_profile.h"
#include "engine/latency/profiled/profiled_model.h"
#include "engine/latency/profiled/skew_fit.h"
#include "tests/unit/error_of.h"
#include "tests/unit/latency/profiled/profile_files.h"
#include "tests/unit/scratch_dir.h"

namespace fs = std::filesystem;
using namespace blis::latency;
using namespace blis::latency::profiled;
using blis::testing::error_of;
using blis::testing::scratch_subdir;
using blis::testing::write_gz;
using blis::testing::write_text;

namespace {

// Every dense layer costs 1 us flat; lm_head 100 us flat. Attention at kv_prefill 0:
// time = 5 + pc/16 + nd + nd*kd/32 on pc {0,16}, nd {0,2}, kd {0,64}.
fs::path variant_dir(const std::string& name, int tp) {
  const fs::path root = scratch_subdir("profiled_skew_" + name);
  const fs::path d = root / "bf16" / ("tp" + std::to_string(tp));
  fs::create_directories(d);
  write_text(d / "dense.csv",
             "layer,tokens,time_us\nembedding,1,1\nlayernorm,1,1\nfinal_layernorm,1,1\nqkv_proj,1,1\n");
  write_text(d / "per_sequence.csv", "layer,sequences,time_us\nlm_head,1,100\n");
  std::string a = "prefill_chunk,kv_prefill,n_decode,kv_decode,time_us\n";
  for (int pc : {0, 16})
    for (int nd : {0, 2})
      for (int kd : {0, 64})
        a += std::to_string(pc) + ",0," + std::to_string(nd) + "," + std::to_string(kd) + "," +
             std::to_string(5 + pc / 16.0 + nd + nd * kd / 32.0) + "\n";
  write_gz(d / "attention.csv.gz", a);
  return d;
}

const char* kMeta =
    "skew_fit:\n"
    "  enabled: true\n"
    "  bucket_axes:\n"
    "    n_bins: [0, 2, 1000000]\n"
    "    n_labels: [n<=2, n>2]\n"
    "    skew_rate_bins: [-0.01, 0.4, 1.01]\n"
    "    skew_rate_labels: [sr<=40%, sr>40%]\n"
    "    kv_big_bins: [0, 1024, 1000000000]\n"
    "    kv_big_labels: [kvB<=1k, kvB>1k]\n"
    "    kp_bins: [-1, 0, 1000000000]\n"
    "    kp_labels: [kp=0, kp>0]\n"
    "  per_tp:\n"
    "    1:\n"
    "      alpha_default: 0.1\n"
    "    2:\n"
    "      alpha_default: 0.2\n";

const char* kBuckets = "pc,n_label,skew_rate_label,kv_big_label,kp_label,alpha,n_samples\n"
                       "0,n<=2,sr>40%,kvB<=1k,kp=0,0.5,3\n";

}  // namespace

TEST_CASE("profiled skew: buckets are right-inclusive and a batch takes its bucket's alpha, else the default") {
  const fs::path d = variant_dir("alpha", 1);
  write_text(d.parent_path() / "meta.yaml", kMeta);
  write_gz(d / "skew_fit.csv.gz", kBuckets);
  const auto fit = load_skew_fit(d.string(), 1);
  REQUIRE(fit.has_value());
  CHECK(fit->n.bucket(2) == 0);  // n<=2 includes 2
  CHECK(fit->n.bucket(3) == 1);
  CHECK(fit->n.bucket(5e6) == 1);  // beyond the last edge: the last label
  CHECK(fit->alpha(0, 2, 0.5, 48, 0) == doctest::Approx(0.5));
  CHECK(fit->alpha(0, 2, 0.3, 48, 0) == doctest::Approx(0.1));   // sr<=40%: no bucket
  CHECK(fit->alpha(16, 2, 0.5, 48, 0) == doctest::Approx(0.1));  // another prefill chunk: no bucket
  CHECK(load_skew_fit(d.string(), 2)->alpha(0, 2, 0.5, 48, 0) == doctest::Approx(0.5));
  // TP 2's pooled default, TP 3 has no entry: the block has no default either, so 0.
  write_text(d.parent_path() / "meta.yaml", std::string(kMeta));
  CHECK(load_skew_fit(d.string(), 3)->alpha(0, 2, 0.5, 48, 0) == 0);
  write_text(d.parent_path() / "meta.yaml", "skew_fit:\n  enabled: false\n");
  CHECK_FALSE(load_skew_fit(d.string(), 1).has_value());
  fs::remove(d.parent_path() / "meta.yaml");
  CHECK_FALSE(load_skew_fit(d.string(), 1).has_value());
}

TEST_CASE("profiled skew: attention is raised toward the longest decode's time by alpha") {
  const fs::path d = variant_dir("step", 1);
  // Two decodes at KV 16 and 48 (progress 15 and 47): mean 32, max 48, min 16, skew rate 0.5.
  const std::vector<StepMember> batch = {{15, 10, 100, 1}, {47, 10, 100, 1}};
  const ProfiledModel plain({0, 0, 0}, std::make_shared<const LayerProfile>(load_layer_profile(d.string(), 1)), 4);
  // T = 2, S = 2: embedding + final_layernorm + 4 * (2 layernorm + qkv_proj + attention) + lm_head
  const double t_mean = 5 + 2 + 2 * 32.0 / 32, t_max = 5 + 2 + 2 * 48.0 / 32;
  CHECK(plain.step_time_us(batch) == doctest::Approx(2 + 4 * (3 + t_mean) + 100));
  write_text(d.parent_path() / "meta.yaml", kMeta);
  write_gz(d / "skew_fit.csv.gz", kBuckets);
  const ProfiledModel skewed({0, 0, 0}, std::make_shared<const LayerProfile>(load_layer_profile(d.string(), 1)), 4);
  CHECK(skewed.step_time_us(batch) == doctest::Approx(2 + 4 * (3 + t_mean + 0.5 * (t_max - t_mean)) + 100));
  // Decodes of one length are the uniform grid point: no correction.
  const std::vector<StepMember> uniform = {{31, 10, 100, 1}, {31, 10, 100, 1}};
  CHECK(skewed.step_time_us(uniform) == doctest::Approx(plain.step_time_us(uniform)));
}

TEST_CASE("profiled skew: a bad bucket table is named by file, line and column") {
  const fs::path d = variant_dir("bad", 1);
  write_text(d.parent_path() / "meta.yaml", kMeta);
  write_gz(d / "skew_fit.csv.gz", "pc,n_label,skew_rate_label,kv_big_label,kp_label,alpha,n_samples\n"
                                  "0,n<=3,sr>40%,kvB<=1k,kp=0,0.5,3\n");
  CHECK(error_of([&] { load_skew_fit(d.string(), 1); }) ==
        (d / "skew_fit.csv.gz").string() + ":2:2: unknown bucket label \"n<=3\"");
  write_gz(d / "skew_fit.csv.gz", "pc,n_label,skew_rate_label,kv_big_label,kp_label,alpha,n_samples\n"
                                  "0,n<=2,sr>40%,kvB<=1k,kp=0,x,3\n");
  CHECK(error_of([&] { load_skew_fit(d.string(), 1); }) ==
        (d / "skew_fit.csv.gz").string() + ":2:6: \"x\" is not a number");
  write_text(d.parent_path() / "meta.yaml", "skew_fit:\n  enabled: true\n  bucket_axes:\n    n_bins: [0, 2]\n");
  CHECK(error_of([&] { load_skew_fit(d.string(), 1); }).find("skew_fit.bucket_axes needs the lists n_bins and "
                                                             "n_labels") != std::string::npos);
}

TEST_CASE("profiled TP: a ring all-reduce sends 2(N-1) messages of bytes/N, each latency + size/bandwidth") {
  CHECK(RingAllReduce{1, 16, 20}.time_us(1e6) == 0);
  CHECK(RingAllReduce{2, 16, 20}.time_us(1e6) == doctest::Approx(2 * (20 + 5e5 / 16e3)));    // 102.5
  CHECK(RingAllReduce{4, 16, 20}.time_us(1e6) == doctest::Approx(6 * (20 + 2.5e5 / 16e3)));  // 213.75
  CHECK(profile_tp_degree("/a/bf16/tp2") == 2);
  CHECK(profile_tp_degree("/a/bf16/tp16/") == 16);
  CHECK(profile_tp_degree("/a/bf16/full") == 0);
}

TEST_CASE("profiled TP: a step adds two all-reduces of T x hidden x 2 bytes per layer") {
  const fs::path d = variant_dir("tp", 2);
  auto profile = std::make_shared<const LayerProfile>(load_layer_profile(d.string(), 2));
  const ProfiledModel tp1({0, 0, 0}, profile, 4);
  const ProfiledModel tp2({0, 0, 0}, profile, 4, RingAllReduce{2, 16, 20}, /*hidden_dim=*/1000);
  // One 16-token prefill chunk: T = 16 -> 16 * 1000 * 2 = 32000 bytes, messages of 16000.
  const std::vector<StepMember> batch = {{0, 16, 10, 16}};
  const double per_all_reduce = 2 * (20 + 16000 / 16e3);  // 42 us
  CHECK(tp2.step_time_us(batch) - tp1.step_time_us(batch) == doctest::Approx(2 * 4 * per_all_reduce));
  CHECK(error_of([&] { ProfiledModel({0, 0, 0}, profile, 4, RingAllReduce{2, 16, 20}, 0); })
            .find("needs the model's hidden_size") != std::string::npos);
}

TEST_CASE("profiled MoE: moe.csv is interpolated over tokens, then between activated-expert counts") {
  const fs::path d = variant_dir("moe_table", 1);
  // time = 10 + tokens + 2 * activated at activated 8 and 16
  write_text(d / "moe.csv", "tokens,activated_experts,time_us\n1,8,27\n9,8,35\n1,16,43\n9,16,51\n");
  const LayerProfile p = load_layer_profile(d.string(), 1);
  CHECK(p.moe.time_us(5, 8) == doctest::Approx(31));
  CHECK(p.moe.time_us(5, 12) == doctest::Approx(10 + 5 + 24));
  CHECK(p.moe.time_us(5, 4) == doctest::Approx(31));       // below the first count: its curve
  CHECK(p.moe.time_us(5, 24) == doctest::Approx(10 + 5 + 48));  // beyond the last: the line extended
  write_text(d / "moe.csv", "tokens,activated_experts,time_us\n1,8,27\n1,8,28\n");
  CHECK(error_of([&] { load_layer_profile(d.string(), 1); }).find("moe.csv:3:1: 1 tokens with 8 activated experts "
                                                                  "are measured twice (also on line 2)") !=
        std::string::npos);
}

TEST_CASE("profiled MoE: a block adds the rank's experts (balanced gate) and the EP all-gather and reduce-scatter") {
  const fs::path d = variant_dir("moe_step", 1);
  write_text(d / "moe.csv", "tokens,activated_experts,time_us\n1,8,27\n9,8,35\n1,16,43\n9,16,51\n");
  auto profile = std::make_shared<const LayerProfile>(load_layer_profile(d.string(), 1));
  const ProfiledModel dense({0, 0, 0}, profile, 4);
  MoeRouting routing{/*num_experts=*/32, /*top_k=*/2, /*ep=*/2, /*moe_layers=*/4, RingAllReduce{2, 16, 20}};
  const ProfiledModel moe({0, 0, 0}, profile, 4, RingAllReduce{}, /*hidden_dim=*/1000, routing);
  // 4 decodes: T = 4. A rank gets round(4 * (1 - (1/2)^2)) = 3 tokens and activates
  // min(round(4 * 2 / 2), 32 / 2) = 4 experts (below the table's 8: that curve), 10 + 3 + 16 = 29 us.
  const std::vector<StepMember> batch = {{31, 10, 100, 1}, {31, 10, 100, 1}, {31, 10, 100, 1}, {31, 10, 100, 1}};
  const double experts = 27 + 2;  // the activated-8 curve at 3 tokens
  // all-gather: 1 message of floor(4/2) = 2 tokens * (1000 + 32) * 2 bytes = 4128 bytes;
  // reduce-scatter: 1 message of 4 * 1000 * 2 / 2 = 4000 bytes; each + 20 us latency at 16 GB/s.
  const double collectives = (20 + 4128 / 16e3) + (20 + 4000 / 16e3);
  CHECK(moe.step_time_us(batch) - dense.step_time_us(batch) == doctest::Approx(4 * (experts + collectives)));
  // An MoE model without the profile's moe.csv is refused.
  const fs::path bare = variant_dir("moe_missing", 1);
  auto no_moe = std::make_shared<const LayerProfile>(load_layer_profile(bare.string(), 1));
  CHECK(error_of([&] { ProfiledModel({0, 0, 0}, no_moe, 4, RingAllReduce{}, 1000, routing); })
            .find("needs the profile's moe.csv") != std::string::npos);
}
