// Roofline step time (engine-core §4.3.3) and its construction checks (§4.3.4). The expected
// step times are the spec's verified examples, measured on the reference.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "engine/core/error.h"
#include "engine/latency/model_hardware.h"
#include "engine/latency/roofline_model.h"

#ifndef BLIS_SOURCE_DIR
#error "BLIS_SOURCE_DIR must name the repository root"
#endif

using blis::latency::HardwareSpec;
using blis::latency::ModelArchitecture;
using blis::latency::RooflineModel;
using blis::latency::StepMember;

namespace {

const std::string kConfigs = std::string(BLIS_SOURCE_DIR) + "/model_configs";

ModelArchitecture llama_8b() {
  return blis::latency::load_model_architecture(kConfigs + "/hf/llama-3.1-8b-instruct");
}
HardwareSpec h100() {
  return blis::latency::load_hardware_spec(kConfigs + "/hardware_config.json", "H100");
}

// Roofline runs have all-zero alpha in practice (§4.3).
RooflineModel llama_h100(int64_t tp) { return RooflineModel({0, 0, 0}, llama_8b(), h100(), tp); }

StepMember prefill(int64_t progress, int64_t new_tokens) {
  return {progress, /*input_len=*/progress + new_tokens + 100, /*output_len=*/10, new_tokens};
}
// A decode member's new_tokens is ignored by the roofline (t = 1); pass something else to
// prove it.
StepMember decode(int64_t progress, int64_t new_tokens = 1) {
  return {progress, /*input_len=*/progress, /*output_len=*/10, new_tokens};
}

std::string construction_error(const ModelArchitecture& m, const HardwareSpec& hw, int64_t tp,
                               std::vector<double> alpha = {0, 0, 0}) {
  try {
    RooflineModel model(std::move(alpha), m, hw, tp);
  } catch (const blis::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("roofline: verified examples (llama-3.1-8b, H100, TP 2)") {
  const RooflineModel model = llama_h100(2);
  CHECK(model.step_time(std::vector<StepMember>{prefill(0, 37)}) == 5317);
  CHECK(model.step_time(std::vector<StepMember>{prefill(0, 63), decode(37)}) == 8213);
  CHECK(model.step_time(std::vector<StepMember>{decode(100), decode(5)}) == 5317);
  CHECK(model.step_time(std::vector<StepMember>{decode(6)}) == 5314);
  CHECK(model.step_time({}) == 2420);
}

TEST_CASE("roofline: decode members always charge one token") {
  const RooflineModel model = llama_h100(2);
  CHECK(model.step_time(std::vector<StepMember>{decode(6, 1)}) ==
        model.step_time(std::vector<StepMember>{decode(6, 57)}));
  CHECK(model.step_time(std::vector<StepMember>{decode(100, 0), decode(5, 9)}) == 5317);
}

TEST_CASE("roofline: finished members contribute nothing") {
  const RooflineModel model = llama_h100(2);
  const StepMember done = {50, 50, /*output_len=*/0, 3};
  CHECK(model.step_time(std::vector<StepMember>{done}) == 2420);
  CHECK(model.step_time(std::vector<StepMember>{done, decode(6)}) == 5314);
}

TEST_CASE("roofline: a fully cached admission (t = 0) still pays the weight read") {
  const RooflineModel model = llama_h100(2);
  const StepMember cached = {0, 40, 10, 0};
  const int64_t t = model.step_time(std::vector<StepMember>{cached});
  CHECK(t > 2420);
  // Weights only: the prefill phase exists with zero FLOPs and zero dynamic bytes, so adding
  // it to a decode step costs exactly another weight read.
  CHECK(t == model.step_time(std::vector<StepMember>{prefill(0, 0)}));
}

TEST_CASE("roofline: TP 1 has no all-reduce term") {
  const RooflineModel tp1 = llama_h100(1);
  // Empty batch: round(32*20 + 500) with no communication = 1140; TP 2 adds 32*2*20 = 1280.
  CHECK(tp1.step_time({}) == 1140);
  CHECK(llama_h100(2).step_time({}) - tp1.step_time({}) == 1280);
}

TEST_CASE("roofline: overheads are not validated and may make time zero or negative") {
  HardwareSpec hw = h100();
  hw.t_overhead_micros = -2000;
  hw.per_layer_overhead = 0;
  hw.all_reduce_latency = 0;
  const RooflineModel model({0, 0, 0}, llama_8b(), hw, 4);
  CHECK(model.step_time({}) == -2000);
}

TEST_CASE("roofline: alpha-based times come from the base class") {
  const RooflineModel model({10.5, 2, 7.9}, llama_8b(), h100(), 2);
  CHECK(model.queueing_time(3) == 16);
  CHECK(model.output_token_processing_time() == 7);
  CHECK(model.scheduling_processing_time() == 0);
  CHECK(model.preemption_processing_time() == 0);
}

TEST_CASE("roofline: validation lists every problem in one error") {
  ModelArchitecture m;  // all zero: heads, layers, hidden size, bytes per param
  HardwareSpec hw = h100();
  hw.tflops_peak = 0;
  hw.bw_peak_tbs = -3.5;
  hw.bw_eff_constant = std::nan("");
  hw.mfu_prefill = std::numeric_limits<double>::infinity();
  hw.mfu_decode = 0.00001;  // valid
  const std::string e = construction_error(m, hw, 2);
  CHECK(e.find("invalid roofline config: ") != std::string::npos);
  CHECK(e.find("ModelConfig.NumHeads must be > 0, got 0; ModelConfig.NumLayers must be > 0, got 0; "
               "ModelConfig.HiddenDim must be > 0, got 0; "
               "ModelConfig.BytesPerParam must be a valid positive number, got 0; "
               "HardwareCalib.TFlopsPeak must be a valid positive number, got 0; "
               "HardwareCalib.BwPeakTBs must be a valid positive number, got -3.5; "
               "HardwareCalib.BwEffConstant must be a valid positive number, got NaN; "
               "HardwareCalib.MfuPrefill must be a valid positive number, got +Inf") !=
        std::string::npos);
  CHECK(e.find("MfuDecode") == std::string::npos);

  // Go's %v float formatting in the message.
  HardwareSpec tiny = h100();
  tiny.mfu_decode = -0.00001;
  CHECK(construction_error(llama_8b(), tiny, 1).find("got -1e-05") != std::string::npos);
  tiny.mfu_decode = -1234567;
  CHECK(construction_error(llama_8b(), tiny, 1).find("got -1.234567e+06") != std::string::npos);
  tiny.mfu_decode = -0.0001;
  CHECK(construction_error(llama_8b(), tiny, 1).find("got -0.0001") != std::string::npos);

  // Not validated: intermediate size, KV heads, overheads.
  ModelArchitecture loose = llama_8b();
  loose.intermediate_dim = 0;
  loose.num_kv_heads = 0;
  HardwareSpec zero_overheads = h100();
  zero_overheads.t_overhead_micros = 0;
  zero_overheads.per_layer_overhead = -1;
  zero_overheads.all_reduce_latency = 0;
  CHECK(construction_error(loose, zero_overheads, 2).empty());
}

TEST_CASE("roofline: TP and alpha checks") {
  CHECK(construction_error(llama_8b(), h100(), 0).find("TP > 0") != std::string::npos);
  CHECK(construction_error(llama_8b(), h100(), -1).find("got -1") != std::string::npos);
  CHECK(construction_error(llama_8b(), h100(), 2, {0, 0}).find("alpha") != std::string::npos);
  CHECK(construction_error(llama_8b(), h100(), 2, {0, std::nan(""), 0}).find("alpha") != std::string::npos);
}

TEST_CASE("roofline: missing intermediate size and KV heads fall back (4*dm, heads)") {
  ModelArchitecture explicit_dims = llama_8b();
  explicit_dims.intermediate_dim = 4 * explicit_dims.hidden_dim;
  explicit_dims.num_kv_heads = explicit_dims.num_heads;
  ModelArchitecture defaulted = llama_8b();
  defaulted.intermediate_dim = 0;
  defaulted.num_kv_heads = 0;
  const RooflineModel a({0, 0, 0}, explicit_dims, h100(), 2);
  const RooflineModel b({0, 0, 0}, defaulted, h100(), 2);
  const std::vector<StepMember> batch = {prefill(12, 300), decode(700), decode(3)};
  CHECK(a.step_time(batch) == b.step_time(batch));
}
