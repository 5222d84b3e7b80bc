// per_slo_in_ms (cluster-workload-trace §E.7, NOTE 12): the Per-SLO Metrics block of a run with
// two SLO classes prints ticks (µs) without a unit in reference mode and the same values in ms,
// with the unit, when corrected; nothing else in the output changes.
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#include "engine/cluster/cluster_simulation.h"
#include "engine/config/run_config.h"
#include "engine/metrics/run_report.h"
#include "engine/workload/workload_spec.h"

namespace {

const blis::DiagnosticSink quiet = [](blis::LogLevel, const std::string&) {};

std::string run_two_classes(bool per_slo_in_ms) {
  blis::config::ScenarioSpec spec;
  spec.compat_mode = "reference";
  spec.compat_overrides = {{"per_slo_in_ms", per_slo_in_ms}};
  spec.model = "generated";
  spec.alpha = std::vector<double>{100, 1, 50};
  spec.beta = std::vector<double>{1000, 10, 5};
  spec.workload.kind = "spec";
  spec.workload.inline_spec = std::make_shared<blis::workload::WorkloadSpecFile>(blis::workload::parse_workload_spec(
      "seed: 2\naggregate_rate: 20\nnum_requests: 20\nclients:\n"
      "  - {id: a, slo_class: batch, rate_fraction: 1, arrival: {process: poisson},\n"
      "     input_distribution: {type: constant, params: {value: 64}},\n"
      "     output_distribution: {type: constant, params: {value: 8}}}\n"
      "  - {id: b, slo_class: realtime, rate_fraction: 1, arrival: {process: poisson},\n"
      "     input_distribution: {type: constant, params: {value: 32}},\n"
      "     output_distribution: {type: constant, params: {value: 4}}}\n",
      "inline"));
  const blis::config::RunConfig config = blis::config::resolve(spec, quiet);
  blis::cluster::ClusterSimulation sim(config, quiet);
  sim.run();
  return blis::metrics::build_report(sim, config, quiet).stdout_text;
}

// The number after `key` on the first line that has it, after `from`.
double value_after(const std::string& text, const std::string& from, const std::string& key) {
  const size_t at = text.find(key, text.find(from));
  REQUIRE(at != std::string::npos);
  return std::strtod(text.c_str() + at + key.size(), nullptr);
}

}  // namespace

TEST_CASE("per_slo_in_ms: the Per-SLO block in µs (reference) or ms (corrected)") {
  const std::string reference = run_two_classes(false);
  const std::string corrected = run_two_classes(true);
  const size_t ref_block = reference.find("=== Per-SLO Metrics ===");
  const size_t cor_block = corrected.find("=== Per-SLO Metrics ===");
  REQUIRE(ref_block != std::string::npos);
  REQUIRE(cor_block != std::string::npos);
  CHECK(reference.substr(0, ref_block) == corrected.substr(0, cor_block));  // everything before is equal
  CHECK(reference.find(" ms", ref_block) == std::string::npos);
  CHECK(corrected.find("    TTFT: mean=", cor_block) != std::string::npos);
  for (const char* cls : {"  batch:", "  realtime:"}) {
    for (const char* key : {"TTFT: mean=", "E2E:  mean="}) {
      CAPTURE(cls);
      CAPTURE(key);
      const double us = value_after(reference, cls, key);
      const double ms = value_after(corrected, cls, key);
      CHECK(us > 100);  // a TTFT of at least the alpha overhead, in µs
      CHECK(ms == doctest::Approx(us / 1000).epsilon(0.01));
    }
  }
  CHECK(corrected.find(" ms p99=", cor_block) != std::string::npos);
}
