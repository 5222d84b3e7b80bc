// The reference's own regression data (testdata/goldendataset.json): five blackbox runs whose
// metrics blis must reproduce to a relative 1e-9 (engine-core §11.5; the golden file was made on
// a platform that fuses multiply-adds, hence the tolerance, §7.8).
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include "engine/core/json_value.h"
#include "engine/simulation.h"

namespace {

using blis::core::JsonValue;

const JsonValue& member(const JsonValue& object, const std::string& key) {
  for (const auto& [k, v] : object.members) {
    if (k == key) return v;
  }
  FAIL("missing key " << key);
  static JsonValue none;
  return none;
}

bool has_member(const JsonValue& object, const std::string& key) {
  for (const auto& [k, v] : object.members) {
    if (k == key) return true;
  }
  return false;
}

JsonValue load(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  return blis::core::parse_json(text.str());
}

int64_t integer(const JsonValue& v) { return static_cast<int64_t>(v.number); }

std::vector<double> numbers(const JsonValue& v) {
  std::vector<double> out;
  for (const auto& item : v.items) out.push_back(item.number);
  return out;
}

bool close(double got, double want) {
  return std::fabs(got - want) <= 1e-9 * std::max(std::fabs(got), std::fabs(want)) + 1e-12;
}

}  // namespace

TEST_CASE("the five golden-dataset runs reproduce the reference's metrics") {
  const JsonValue golden = load(std::string(BLIS_SOURCE_DIR) + "/tests/fixtures/reference/testdata/goldendataset.json");
  const auto& tests = member(golden, "tests").items;
  REQUIRE(tests.size() == 5);
  for (const JsonValue& t : tests) {
    blis::config::ScenarioSpec spec;
    spec.origin = "goldendataset.json";
    spec.compat_mode = "reference";  // the reference's own numbers
    spec.format = "reference";  // these tests read the reference's printed blocks
    spec.model = member(t, "model").text;
    spec.gpu = member(t, "hardware").text;
    spec.tp = integer(member(t, "tp"));
    spec.seed = integer(member(t, "seed"));
    spec.alpha = numbers(member(t, "alpha-coeffs"));
    spec.beta = numbers(member(t, "beta-coeffs"));
    spec.kv_blocks = integer(member(t, "total-kv-blocks"));
    spec.block_size_tokens = integer(member(t, "block-size-in-tokens"));
    spec.max_running = integer(member(t, "max-num-running-reqs"));
    spec.max_batched_tokens = integer(member(t, "max-num-scheduled-tokens"));
    spec.long_prefill_threshold = integer(member(t, "long-prefill-token-threshold"));
    spec.workload.kind = "distribution";
    spec.workload.rate = member(t, "rate").number;
    spec.workload.requests = integer(member(t, "num-requests"));
    spec.workload.prefix_tokens = integer(member(t, "prefix_tokens"));
    spec.workload.prompt_tokens = {integer(member(t, "prompt_tokens")), integer(member(t, "prompt_tokens_stdev")),
                                   integer(member(t, "prompt_tokens_min")), integer(member(t, "prompt_tokens_max"))};
    spec.workload.output_tokens = {integer(member(t, "output_tokens")), integer(member(t, "output_tokens_stdev")),
                                   integer(member(t, "output_tokens_min")), integer(member(t, "output_tokens_max"))};
    const auto out = blis::run_scenario(spec, [](blis::LogLevel, const std::string&) {});
    const std::string header = "=== Simulation Metrics ===\n";
    REQUIRE(out.stdout_text.rfind(header, 0) == 0);
    const size_t end = out.stdout_text.find("\n}\n");
    REQUIRE(end != std::string::npos);
    const JsonValue got = blis::core::parse_json(out.stdout_text.substr(header.size(), end + 2 - header.size()));
    const JsonValue& want = member(t, "metrics");
    for (const auto& [key, value] : want.members) {
      if (key == "simulation_duration_s") continue;  // wall-clock time of the reference's machine
      CAPTURE(spec.workload.rate);
      CAPTURE(key);
      REQUIRE(has_member(got, key));
      CHECK(close(member(got, key).number, value.number));
    }
  }
}
