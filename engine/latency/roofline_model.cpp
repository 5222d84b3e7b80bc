#include "engine/latency/roofline_model.h"

#include <fmt/format.h>

#include <cmath>

#include "engine/core/error.h"

namespace blis::latency {

namespace {

// Per-request FLOPs and bytes with context length s and t new tokens, evaluated in exactly the
// reference's order (engine-core §4.3.3; the build disables FMA contraction).
struct Dims {
  double dm, nl, nh, nkv, dh, dff, dkv, bp;
};

struct Flops {
  double gemm, sram;
};

Flops flops(const Dims& d, double s, double t) {
  const double qkv = (2 * t) * ((d.dm * d.dm) + ((2 * d.dm) * d.dkv));
  const double proj = ((2 * t) * d.dm) * d.dm;
  double gemm = (qkv + proj) * d.nl;
  double ctx = s;
  if (t > 1) ctx = s + (t - 1) / 2.0;
  const double attn = (((4 * d.nh) * t) * ctx) * d.dh;
  const double rope = (2 * t) * d.dm;
  const double vec = ((((5 * d.nh) * t) * ctx) + rope);
  gemm = gemm + attn * d.nl;
  const double sram = vec * d.nl;
  gemm = gemm + ((2 * t) * ((3 * d.dm) * d.dff)) * d.nl;
  return {gemm, sram};
}

double weight_bytes(const Dims& d) {
  const double wpl = ((d.dm * (d.dm + 2 * d.dkv)) + (d.dm * d.dm)) + ((3 * d.dm) * d.dff);
  return (wpl * d.nl) * d.bp;
}

// Total bytes with KV traffic: the parts summed in the reference's (alphabetical) key order.
double total_bytes(const Dims& d, double s, double t) {
  const double kv_per_token = (((2 * d.nl) * d.nkv) * d.dh) * d.bp;
  const double growth = kv_per_token * t;
  const double access = kv_per_token * s;
  const double act = ((d.nl * d.dm) * d.bp) * t;
  return (((0 + act) + access) + growth) + weight_bytes(d);
}

}  // namespace

RooflineModel::RooflineModel(std::vector<double> alpha, const ModelArchitecture& model, const HardwareSpec& hw,
                             int64_t tp)
    : LatencyModel(std::move(alpha)), model_(model), hw_(hw), tp_(static_cast<double>(tp)) {
  std::vector<std::string> problems;
  if (tp <= 0) problems.push_back(fmt::format("tensor parallelism must be > 0, got {}", tp));
  if (model.num_heads <= 0) problems.push_back("num_attention_heads must be > 0");
  if (model.num_layers <= 0) problems.push_back("num_hidden_layers must be > 0");
  if (model.hidden_dim <= 0) problems.push_back("hidden_size must be > 0");
  auto positive = [&](double v, const char* name) {
    if (!std::isfinite(v) || v <= 0) problems.push_back(fmt::format("{} must be a finite value > 0", name));
  };
  positive(model.bytes_per_param, "bytes per parameter (torch_dtype)");
  positive(hw.tflops_peak, "TFlopsPeak");
  positive(hw.bw_peak_tbs, "BwPeakTBs");
  positive(hw.bw_eff_constant, "BwEffConstant");
  positive(hw.mfu_prefill, "mfuPrefill");
  positive(hw.mfu_decode, "mfuDecode");
  if (!problems.empty()) {
    std::string joined;
    for (const auto& p : problems) joined += (joined.empty() ? "" : "; ") + p;
    throw Error("invalid roofline configuration: " + joined);
  }
}

Tick RooflineModel::step_time(std::span<const StepMember> batch) const {
  Dims d{};
  d.dm = static_cast<double>(model_.hidden_dim);
  d.nl = static_cast<double>(model_.num_layers);
  d.nh = static_cast<double>(model_.num_heads);
  d.nkv = static_cast<double>(model_.num_kv_heads != 0 ? model_.num_kv_heads : model_.num_heads);
  d.dh = d.dm / d.nh;
  d.dff = model_.intermediate_dim > 0 ? static_cast<double>(model_.intermediate_dim) : 4.0 * d.dm;
  d.dkv = d.nkv * d.dh;
  d.bp = model_.bytes_per_param;

  const double peak = hw_.tflops_peak * 1e12;
  const double bw = hw_.bw_peak_tbs * 1e12;
  const double eff_bw = bw * hw_.bw_eff_constant;
  const double vec_peak = peak * 0.10;
  const double weights = weight_bytes(d);

  double gemm_p = 0, sram_p = 0, dyn_p = 0, gemm_d = 0, sram_d = 0, dyn_d = 0;
  bool has_prefill = false, has_decode = false;
  for (const StepMember& m : batch) {
    const auto s = static_cast<double>(m.progress);
    if (m.progress < m.input_len) {
      has_prefill = true;
      const auto t = static_cast<double>(m.new_tokens);
      const Flops f = flops(d, s, t);
      gemm_p += f.gemm / tp_;
      sram_p += f.sram / tp_;
      dyn_p += (total_bytes(d, s, t) - weights) / tp_;
    } else if (m.output_len > 0) {
      has_decode = true;
      const Flops f = flops(d, s, 1);
      gemm_d += f.gemm / tp_;
      sram_d += f.sram / tp_;
      dyn_d += (total_bytes(d, s, 1) - weights) / tp_;
    }
  }
  const double w = weights / tp_;
  double hw_seconds = 0;
  if (has_prefill) {
    const double compute = gemm_p / (peak * hw_.mfu_prefill) + sram_p / vec_peak;
    const double memory = (w + dyn_p) / eff_bw;
    hw_seconds += std::max(compute, memory);
  }
  if (has_decode) {
    const double compute = gemm_d / (peak * hw_.mfu_decode) + sram_d / vec_peak;
    const double memory = (w + dyn_d) / eff_bw;
    hw_seconds += std::max(compute, memory);
  }
  const auto layers = static_cast<double>(model_.num_layers);
  const double layer_seconds = (layers * hw_.per_layer_overhead) / 1e6;
  const double comm_seconds = tp_ > 1 ? (layers * 2 * hw_.all_reduce_latency) / 1e6 : 0.0;
  const double micros = (((hw_seconds * 1e6) + (layer_seconds * 1e6)) + (comm_seconds * 1e6)) + hw_.t_overhead_micros;
  return go_int64(std::round(micros));
}

}  // namespace blis::latency
