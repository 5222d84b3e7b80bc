// The profiled model's collectives cross the run's GPU link as the GPU catalog describes it
// (collective_gbs, link_latency_us: engine/config/resolve_profiled.cpp): an NVLink part prices a
// TP all-reduce far below a PCIe one; without a GPU the LLMServingSim PCIe figures stay.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "engine/config/run_config.h"
#include "engine/config/scenario_spec.h"
#include "engine/latency/profiled/profiled_model.h"

#ifndef BLIS_SOURCE_DIR
#error "BLIS_SOURCE_DIR must name the repository root"
#endif

namespace fs = std::filesystem;

namespace {

// A TP2 Qwen3-32B step of 512 prefill tokens: two all-reduces per layer of 512 x hidden x 2 bytes.
double step_us(const std::optional<std::string>& gpu) {
  const fs::path before = fs::current_path();
  fs::current_path(BLIS_SOURCE_DIR);  // the catalogs are found from the working directory
  blis::config::ScenarioSpec s;
  s.origin = "blis run";
  s.model = "Qwen/Qwen3-32B";
  s.gpu = gpu;
  s.tp = 2;
  s.kv_blocks = 20000;
  s.latency_model = "profiled";
  s.latency_profile = "tests/accuracy/fixtures/profiles/RTXPRO6000/Qwen/Qwen3-32B/bf16/tp2";
  s.workload.rate = 1;
  s.workload.requests = 1;
  const blis::config::RunConfig config = blis::config::resolve(s, [](blis::LogLevel, const std::string&) {});
  fs::current_path(before);
  const auto& model = dynamic_cast<const blis::latency::ProfiledModel&>(*config.latency);
  blis::latency::StepMember prefill;
  prefill.input_len = 512;
  prefill.new_tokens = 512;
  prefill.output_len = 1;
  return model.step_time_us(std::vector<blis::latency::StepMember>{prefill});
}

}  // namespace

TEST_CASE("profiled TP: the all-reduce crosses the catalog's link of the run's GPU") {
  const double none = step_us(std::nullopt);
  const double rtx_pro = step_us(std::string("RTXPRO6000"));  // catalog: 16 GB/s, 20 µs as LLMServingSim
  const double h100 = step_us(std::string("H100"));           // catalog: 450 GB/s, 1 µs (NVLink)
  CHECK(rtx_pro == doctest::Approx(none));
  // Qwen3-32B: 64 layers, hidden 5120. Two all-reduces per layer of 512 x 5120 x 2 bytes over 2
  // ranks: 2 messages of half the buffer each, latency + bytes / bandwidth.
  const double bytes = 512.0 * 5120 * 2;
  const auto ring = [&](double gbps, double latency_us) { return 2 * 64 * 2 * (latency_us + bytes / 2 / (gbps * 1e3)); };
  CHECK(none - h100 == doctest::Approx(ring(16, 20) - ring(450, 1)).epsilon(1e-6));
}
