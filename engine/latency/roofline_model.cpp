// Analytical roofline step time (engine-core §4.3.3) and its construction checks (§4.3.4).
// Every expression below keeps the reference's operand order and parenthesisation: float64
// addition and multiplication are not associative, and the build forbids FMA contraction, so
// the same order gives the same bits.
#include "engine/latency/roofline_model.h"

#include <charconv>
#include <cmath>
#include <string>

#include "engine/core/error.h"

namespace blis::latency {
namespace {

// Model dimensions as float64, derived once per step exactly as the reference derives them.
struct Dims {
  double dm = 0;   // hidden size
  double nl = 0;   // layers
  double nh = 0;   // attention heads
  double nkv = 0;  // KV heads (heads when the config gives none)
  double dh = 0;   // head dim = dm / nh
  double dff = 0;  // MLP width (4*dm when the config gives none)
  double dkv = 0;  // nkv * dh
  double bp = 0;   // bytes per parameter
};

Dims dims_of(const ModelArchitecture& m) {
  Dims d;
  d.dm = static_cast<double>(m.hidden_dim);
  d.nl = static_cast<double>(m.num_layers);
  d.nh = static_cast<double>(m.num_heads);
  d.nkv = static_cast<double>(m.num_kv_heads);
  if (d.nkv == 0) d.nkv = d.nh;
  d.dh = d.dm / d.nh;
  d.dff = 4.0 * d.dm;
  if (m.intermediate_dim > 0) d.dff = static_cast<double>(m.intermediate_dim);
  d.dkv = d.nkv * d.dh;
  d.bp = m.bytes_per_param;
  return d;
}

struct Flops {
  double gemm = 0;  // weight GEMMs + attention math + MLP, charged at MFU-scaled peak
  double sram = 0;  // vector work (softmax, RoPE), charged at 10% of peak
};

// FLOPs(s, t) of §4.3.3.
Flops flops(const Dims& d, double s, double t) {
  const double qkv = (2 * t) * ((d.dm * d.dm) + ((2 * d.dm) * d.dkv));
  const double proj = ((2 * t) * d.dm) * d.dm;
  double gemm = (qkv + proj) * d.nl;
  double ctx = s;
  if (t > 1) ctx = s + (t - 1) / 2.0;
  const double attn = (((4 * d.nh) * t) * ctx) * d.dh;
  const double rope = (2 * t) * d.dm;
  const double vec = (((5 * d.nh) * t) * ctx) + rope;
  gemm = gemm + attn * d.nl;
  const double sram = vec * d.nl;
  gemm = gemm + ((2 * t) * ((3 * d.dm) * d.dff)) * d.nl;
  return {gemm, sram};
}

// Bytes(…).weights of §4.3.3; independent of s and t.
double weight_bytes(const Dims& d) {
  const double wpl = ((d.dm * (d.dm + 2 * d.dkv)) + (d.dm * d.dm)) + ((3 * d.dm) * d.dff);
  return (wpl * d.nl) * d.bp;
}

// Bytes(s, t, withKV).total: the reference sums its byte map in alphabetical key order
// (activations_tokens, kv_cache_access, kv_cache_growth, model_weights) starting from 0.
double total_bytes_with_kv(const Dims& d, double s, double t, double weights) {
  const double kv_per_token = (((2 * d.nl) * d.nkv) * d.dh) * d.bp;
  const double growth = kv_per_token * t;
  const double access = kv_per_token * s;
  const double act = ((d.nl * d.dm) * d.bp) * t;
  return (((0 + act) + access) + growth) + weights;
}

// Go's math.Max: NaN wins, then +Inf; std::max would silently drop a NaN second operand.
double go_max(double x, double y) {
  if (std::isinf(x) && x > 0) return x;
  if (std::isinf(y) && y > 0) return y;
  if (std::isnan(x) || std::isnan(y)) return std::nan("");
  if (x == 0 && x == y) return std::signbit(x) ? y : x;
  return x > y ? x : y;
}

// One phase (prefill or decode) of a step: per-request contributions divided by tp and
// accumulated in batch order, as the reference does.
struct PhaseTotals {
  bool present = false;
  double gemm = 0;
  double sram = 0;
  double dynamic_bytes = 0;

  void add(const Dims& d, double s, double t, double weights, double tp) {
    present = true;
    const Flops f = flops(d, s, t);
    gemm += f.gemm / tp;
    sram += f.sram / tp;
    // "Dynamic" bytes by subtraction, not by summing the KV/activation parts (§4.3.3).
    dynamic_bytes += (total_bytes_with_kv(d, s, t, weights) - weights) / tp;
  }

  double seconds(double weights_per_gpu, double peak, double mfu, double vec_peak,
                 double eff_bw) const {
    if (!present) return 0;
    const double compute = gemm / (peak * mfu) + sram / vec_peak;
    const double memory = (weights_per_gpu + dynamic_bytes) / eff_bw;
    return go_max(compute, memory);
  }
};

// Go's %v for a float64 (the reference formats validation messages with it): strconv's 'g'
// with shortest round-trip digits, which switches to exponent form when the decimal exponent
// is < -4 or >= 6, with at least two exponent digits: 0.72, 1e+06, 0.0001, 1e-05, +Inf, NaN.
std::string go_format_float(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  std::string sign;
  if (sci[0] == '-') {
    sign = "-";
    sci.erase(0, 1);
  }
  const size_t e_pos = sci.find('e');
  std::string digits = sci.substr(0, e_pos);
  if (digits.size() > 1) digits.erase(1, 1);  // drop the '.'
  const int exp = std::stoi(sci.substr(e_pos + 1));
  if (exp < -4 || exp >= 6) {
    std::string out = sign + digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    const int a = exp < 0 ? -exp : exp;
    out += exp < 0 ? "e-" : "e+";
    if (a < 10) out += "0";
    out += std::to_string(a);
    return out;
  }
  if (exp < 0) return sign + "0." + std::string(static_cast<size_t>(-exp - 1), '0') + digits;
  const auto int_len = static_cast<size_t>(exp) + 1;
  if (digits.size() <= int_len) return sign + digits + std::string(int_len - digits.size(), '0');
  return sign + digits.substr(0, int_len) + "." + digits.substr(int_len);
}

bool invalid_positive(double v) { return !(v > 0) || std::isinf(v); }

// §4.3.4, in the reference's order and wording; every problem is reported at once.
void validate(const ModelArchitecture& m, const HardwareSpec& hw) {
  std::string problems;
  auto add = [&problems](const std::string& p) {
    problems += (problems.empty() ? "" : "; ") + p;
  };
  auto positive_int = [&add](int64_t v, const char* name) {
    if (v <= 0) add(std::string(name) + " must be > 0, got " + std::to_string(v));
  };
  auto positive_float = [&add](double v, const char* name) {
    if (invalid_positive(v)) {
      add(std::string(name) + " must be a valid positive number, got " + go_format_float(v));
    }
  };
  positive_int(m.num_heads, "ModelConfig.NumHeads");
  positive_int(m.num_layers, "ModelConfig.NumLayers");
  positive_int(m.hidden_dim, "ModelConfig.HiddenDim");
  positive_float(m.bytes_per_param, "ModelConfig.BytesPerParam");
  positive_float(hw.tflops_peak, "HardwareCalib.TFlopsPeak");
  positive_float(hw.bw_peak_tbs, "HardwareCalib.BwPeakTBs");
  positive_float(hw.bw_eff_constant, "HardwareCalib.BwEffConstant");
  positive_float(hw.mfu_prefill, "HardwareCalib.MfuPrefill");
  positive_float(hw.mfu_decode, "HardwareCalib.MfuDecode");
  if (!problems.empty()) throw Error("latency model: invalid roofline config: " + problems);
}

}  // namespace

RooflineModel::RooflineModel(std::vector<double> alpha, const ModelArchitecture& model,
                             const HardwareSpec& hw, int64_t tp)
    : LatencyModel(std::move(alpha)), model_(model), hw_(hw), tp_(static_cast<double>(tp)) {
  if (tp <= 0) {
    throw Error("latency model: roofline requires TP > 0, got " + std::to_string(tp));
  }
  validate(model_, hw_);
}

Tick RooflineModel::step_time(std::span<const StepMember> batch) const {
  const Dims d = dims_of(model_);
  const double peak = hw_.tflops_peak * 1e12;
  const double bw = hw_.bw_peak_tbs * 1e12;
  const double eff_bw = bw * hw_.bw_eff_constant;
  const double vec_peak = peak * 0.10;
  const double weights = weight_bytes(d);

  // Members are classified before execution (§4.1). A prefill member charges its chunk with
  // context = progress; a decode member always charges exactly one token.
  PhaseTotals prefill;
  PhaseTotals decode;
  for (const StepMember& m : batch) {
    const auto s = static_cast<double>(m.progress);
    if (m.progress < m.input_len) {
      prefill.add(d, s, static_cast<double>(m.new_tokens), weights, tp_);
    } else if (m.output_len > 0) {
      decode.add(d, s, 1.0, weights, tp_);
    }
  }

  const double weights_per_gpu = weights / tp_;
  const double hw_seconds =
      prefill.seconds(weights_per_gpu, peak, hw_.mfu_prefill, vec_peak, eff_bw) +
      decode.seconds(weights_per_gpu, peak, hw_.mfu_decode, vec_peak, eff_bw);

  // Overheads use the integer layer count converted to float, then "* 2" before the latency.
  const auto layers = static_cast<double>(model_.num_layers);
  const double layer_seconds = (layers * hw_.per_layer_overhead) / 1e6;
  double comm_seconds = 0;
  if (tp_ > 1) comm_seconds = ((layers * 2) * hw_.all_reduce_latency) / 1e6;

  const double micros = (((hw_seconds * 1e6) + (layer_seconds * 1e6)) + (comm_seconds * 1e6)) +
                        hw_.t_overhead_micros;
  return go_int64(std::round(micros));  // round half away from zero, then Go's int64()
}

}  // namespace blis::latency
