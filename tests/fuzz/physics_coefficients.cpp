// The physics model's coefficient file (engine/latency/physics/physics_coefficients): the strict
// reader and its own checks; a file it accepts then drives the model over a fixed batch, whose
// step time must be a finite number >= 0 (every accepted coefficient is finite and >= 0).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/error.h"
#include "engine/latency/physics/physics_model.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using namespace blis::latency;

physics::ModelShape moe_shape() {
  physics::ModelShape s;
  s.source = "fuzz.json";
  s.model_type = "mixtral";
  s.num_layers = 2;
  s.hidden_size = 64;
  s.num_heads = 4;
  s.num_kv_heads = 2;
  s.head_dim = 16;
  s.vocab_size = 1000;
  s.num_experts = 8;
  s.experts_per_token = 2;
  s.moe_intermediate_size = 32;
  s.moe_layer = {true, true};
  return s;
}

blis::catalog::GpuSpec gpu() {
  blis::catalog::GpuSpec g;
  g.name = "Fuzz";
  g.bf16_tflops = 100;
  g.fp8_tflops = 200;
  g.memory_bandwidth_tbs = 2;
  g.interconnect_gbs = 100;
  return g;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static blis::fuzz::MemoryFile file;
  const std::string& path = file.set(std::string_view(reinterpret_cast<const char*>(data), size));
  try {
    const physics::PhysicsCoefficients c = physics::load_physics_coefficients(path);
    const physics::PhysicsModel model(c, moe_shape(), gpu(), {1, 2, 2});
    const std::vector<StepMember> batch = {{0, 100, 10, 64}, {150, 100, 10, 1}, {3, 3, 0, 0}};
    const double micros = model.step_micros(batch);
    // Huge (finite) coefficients may overflow to +inf; NaN or a negative time is a bug.
    if (std::isnan(micros) || micros < 0) __builtin_trap();
    (void)model.step_time(batch);
    (void)model.queueing_time(100);
  } catch (const blis::Error&) {
  }
  return 0;
}
