// The profiled latency model: reading LLMServingSim's profile tables, interpolating them, and
// composing a step (engine/latency/profiled/).
#include <doctest/doctest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engine/core/error.h"
#include "engine/latency/profiled/attention_grid.h"
#include "engine/latency/profiled/csv_table.h"
#include "engine/latency/profiled/layer_profile.h"
#include "engine/latency/profiled/piecewise_linear.h"
#include "engine/latency/profiled/profiled_model.h"
#include "tests/unit/error_of.h"
#include "tests/unit/latency/profiled/profile_files.h"
#include "tests/unit/scratch_dir.h"

namespace fs = std::filesystem;
using namespace blis::latency;
using namespace blis::latency::profiled;
using blis::testing::error_of;
using blis::testing::write_gz;
using blis::testing::write_text;

namespace {

// A fresh, empty directory for one test's profile files.
fs::path profile_dir(const std::string& name) { return blis::testing::scratch_subdir("profiled_" + name); }

// A tiny synthetic profile: every dense layer costs 1 us + 0.01 us per token, lm_head 100 us +
// 1 us per sequence, sampler 10 us flat; attention on a 2x2x2x2 grid.
const char* kDense =
    "layer,tokens,time_us\n"
    "embedding,1,1.01\nembedding,101,2.01\n"
    "layernorm,1,1.01\nlayernorm,101,2.01\n"
    "qkv_proj,1,1.01\nqkv_proj,101,2.01\n"
    "final_layernorm,1,1.01\nfinal_layernorm,101,2.01\n";
const char* kPerSequence = "layer,sequences,time_us\nlm_head,1,101\nlm_head,11,111\nsampler,1,10\n";
// time = 5 + pc/16 + kp/64 + nd + nd*kd/32, on pc {0,16}, kp {0,64}, nd {0,2}, kd {0,64}, except
// (pc 16, nd 2), left out so that its corner falls back to the nearest measured slice.
std::string attention_csv() {
  std::string s = "prefill_chunk,kv_prefill,n_decode,kv_decode,time_us\n";
  for (int pc : {0, 16})
    for (int kp : {0, 64})
      for (int nd : {0, 2})
        for (int kd : {0, 64}) {
          if (pc == 16 && nd == 2) continue;
          const double t = 5 + pc / 16.0 + kp / 64.0 + nd + nd * kd / 32.0;
          s += std::to_string(pc) + "," + std::to_string(kp) + "," + std::to_string(nd) + "," + std::to_string(kd) +
               "," + std::to_string(t) + "\n";
        }
  return s;
}

fs::path synthetic_profile(const std::string& name) {
  const fs::path d = profile_dir(name);
  write_text(d / "dense.csv", kDense);
  write_text(d / "per_sequence.csv", kPerSequence);
  write_gz(d / "attention.csv.gz", attention_csv());
  return d;
}

}  // namespace

TEST_CASE("profiled: a curve is exact at measured points, linear between, clamped below, extended above") {
  const PiecewiseLinear c({1, 3, 7}, {10, 20, 40});
  CHECK(c(1) == 10);
  CHECK(c(3) == 20);
  CHECK(c(7) == 40);
  CHECK(c(2) == doctest::Approx(15));
  CHECK(c(5) == doctest::Approx(30));
  CHECK(c(0) == 10);                     // below the first point: its value
  CHECK(c(9) == doctest::Approx(50));    // beyond the last: the last segment's line
}

TEST_CASE("profiled: the attention grid is exact at its points and linear on every axis") {
  const fs::path d = synthetic_profile("grid");
  const AttentionGrid g(read_csv_table((d / "attention.csv.gz").string(),
                                       {"prefill_chunk", "kv_prefill", "n_decode", "kv_decode", "time_us"}, false));
  auto f = [](double pc, double kp, double nd, double kd) { return 5 + pc / 16 + kp / 64 + nd + nd * kd / 32; };
  CHECK(g.time_us(0, 0, 2, 64) == doctest::Approx(f(0, 0, 2, 64)));
  CHECK(g.time_us(16, 64, 0, 0) == doctest::Approx(f(16, 64, 0, 0)));
  CHECK(g.time_us(0, 32, 0, 0) == doctest::Approx(f(0, 32, 0, 0)));    // kv_prefill halfway
  CHECK(g.time_us(0, 0, 2, 16) == doctest::Approx(f(0, 0, 2, 16)));    // kv_decode a quarter
  CHECK(g.time_us(8, 0, 0, 0) == doctest::Approx(f(8, 0, 0, 0)));      // prefill chunk halfway
  CHECK(g.time_us(0, 0, 1, 64) == doctest::Approx(f(0, 0, 1, 64)));    // n_decode halfway
  // (pc 16, nd 2) was not measured: that corner takes the nearest measured slice, (pc 16, nd 0).
  CHECK(g.time_us(16, 0, 2, 64) == doctest::Approx(f(16, 0, 0, 64)));
}

TEST_CASE("profiled: a step is the hand-composed sum of its layers") {
  const fs::path d = synthetic_profile("step");
  auto profile = std::make_shared<const LayerProfile>(load_layer_profile(d.string()));
  const ProfiledModel m({0, 0, 0}, profile, /*num_layers=*/4);
  // One prefill chunk of 16 tokens with 64 already computed, two decodes at KV 32 and 64 (after
  // this step's token, progress 31 and 63): T = 18 tokens, S = 3 sequences.
  const std::vector<StepMember> batch = {{64, 200, 10, 16}, {31, 20, 40, 1}, {63, 20, 80, 1}};
  const double dense = 1 + 0.01 * 18;  // any dense layer at T = 18
  // pc = 16 sits on the grid; nd = 2 there falls back to (16, 0), which ignores kv_decode.
  const double attn = 5 + 1 + 1 + 0;
  const double expected = dense /*embedding*/ + 4 * (2 * dense /*layernorm x2*/ + dense /*qkv_proj*/ + attn) +
                          dense /*final_layernorm*/ + (101 + 2) /*lm_head at S=3*/ + 10 /*sampler*/;
  CHECK(m.step_time_us(batch) == doctest::Approx(expected));
  CHECK(m.step_time(batch) == static_cast<int64_t>(std::llround(expected)));
  // A decode-only step reads the decodes' mean KV: (32 + 64) / 2 = 48 at n_decode 2.
  const std::vector<StepMember> decodes = {{31, 20, 40, 1}, {63, 20, 80, 1}};
  const double dense2 = 1 + 0.01 * 2;  // T = 2
  const double attn2 = 5 + 2 + 2 * 48.0 / 32;
  CHECK(m.step_time_us(decodes) ==
        doctest::Approx(dense2 + 4 * (3 * dense2 + attn2) + dense2 + (101 + 1) + 10));
  CHECK(m.step_time(std::vector<StepMember>{}) == 0);
}

TEST_CASE("profiled: bad tables are named by file, line and column") {
  const fs::path d = synthetic_profile("errors");
  CHECK(error_of([&] { load_layer_profile((d / "missing").string()); }).find("not a profile directory") !=
        std::string::npos);
  write_text(d / "dense.csv", "layer,tokens,time\nembedding,1,2\n");
  CHECK(error_of([&] { load_layer_profile(d.string()); }) ==
        (d / "dense.csv").string() + ":1:1: header is \"layer,tokens,time\", expected \"layer,tokens,time_us\"");
  write_text(d / "dense.csv", "layer,tokens,time_us\nembedding,1,2\nembedding,2,x7\n");
  CHECK(error_of([&] { load_layer_profile(d.string()); }) ==
        (d / "dense.csv").string() + ":3:13: time_us \"x7\" is not a number");
  write_text(d / "dense.csv", "layer,tokens,time_us\nembedding,1\n");
  CHECK(error_of([&] { load_layer_profile(d.string()); }).find("dense.csv:2:1: 2 fields, expected 3") !=
        std::string::npos);
  write_text(d / "dense.csv", "layer,tokens,time_us\nembedding,1,-2\n");
  CHECK(error_of([&] { load_layer_profile(d.string()); }).find("dense.csv:2:13: time_us -2 must be finite and >= 0") !=
        std::string::npos);
  write_text(d / "dense.csv", "layer,tokens,time_us\nembedding,1,2\nembedding,1,3\n");
  CHECK(error_of([&] { load_layer_profile(d.string()); }).find("dense.csv:3:1: layer embedding is measured twice") !=
        std::string::npos);
  write_text(d / "dense.csv", "layer,tokens,time_us\nembedding,1,2\n");
  CHECK(error_of([&] { load_layer_profile(d.string()); }).find("dense.csv: no measurements of layer layernorm") !=
        std::string::npos);
  write_text(d / "dense.csv", kDense);
  write_gz(d / "attention.csv.gz", "prefill_chunk,kv_prefill,n_decode,kv_decode,time_us\n0,0,1,16,9\n0,0,1,16,9\n");
  CHECK(error_of([&] { load_layer_profile(d.string()); }).find("attention.csv.gz:3:1: grid point (0, 0, 1, 16) is "
                                                               "measured twice (also on line 2)") != std::string::npos);
  CHECK(error_of([&] { ProfiledModel({0, 0, 0}, nullptr, 0); }).find("num_hidden_layers > 0") != std::string::npos);
}
