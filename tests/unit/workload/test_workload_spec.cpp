// WorkloadSpec: Validate()'s order and texts, and the generated stream's rules (arrival order,
// ids, the request cap, lifecycle windows, multi-turn sessions, prefix groups).
#include <doctest/doctest.h>

#include <limits>

#include "engine/core/error.h"
#include "engine/workload/spec_source.h"
#include "engine/workload/workload_spec.h"

using blis::workload::GeneratedRequest;
using blis::workload::parse_workload_spec;
using blis::workload::SpecSource;
using blis::workload::validate_workload_spec;

namespace {

const blis::DiagnosticSink quiet = [](blis::LogLevel, const std::string&) {};

std::string validation_error(const std::string& yaml) {
  try {
    validate_workload_spec(parse_workload_spec(yaml, "test"));
  } catch (const blis::Error& e) {
    return e.what();
  }
  return "";
}

const std::string kClient =
    "  - id: a\n    rate_fraction: 1\n    arrival: {process: poisson}\n"
    "    input_distribution: {type: constant, params: {value: 10}}\n"
    "    output_distribution: {type: constant, params: {value: 5}}\n";

std::vector<GeneratedRequest> generate(const std::string& yaml, blis::Tick horizon, int64_t cap) {
  const auto spec = parse_workload_spec(yaml, "test");
  validate_workload_spec(spec);
  SpecSource source(spec, spec.seed, horizon, cap, blis::core::Corrections{}, quiet);
  std::vector<GeneratedRequest> out;
  GeneratedRequest r;
  while (source.next(r)) out.push_back(r);
  return out;
}

}  // namespace

TEST_CASE("Validate: first failure wins, in the reference's order") {
  CHECK(validation_error("category: chat\naggregate_rate: 0\n") ==
        "unknown category \"chat\"; valid: language, multimodal, reasoning");
  CHECK(validation_error("aggregate_rate: 0\n") == "aggregate_rate must be positive, got 0.000000");
  CHECK(validation_error("aggregate_rate: 5\n") == "at least one client or servegen_data path required");
  CHECK(validation_error("aggregate_rate: 5\nclients:\n" + kClient + "    slo_class: gold\n") ==
        "client[0]: unknown slo_class \"gold\"; valid: realtime, interactive, batch");
  CHECK(validation_error("aggregate_rate: 5\nclients:\n  - {id: a, rate_fraction: 1, arrival: {process: gamma, cv: -1},"
                         " input_distribution: {type: constant}, output_distribution: {type: constant}}\n") ==
        "client[0].cv must be positive, got -1.000000");
  CHECK(validation_error("aggregate_rate: 5\nclients:\n  - {id: a, rate_fraction: 1, arrival: {process: poisson},"
                         " prefix_length: -2, input_distribution: {type: constant}, output_distribution: {type: constant}}\n") ==
        "client[0]: prefix_length must be non-negative, got -2");
  CHECK(validation_error("aggregate_rate: 5\nclients:\n  - {id: a, rate_fraction: 1, arrival: {process: poisson},"
                         " input_distribution: {type: uniform}, output_distribution: {type: constant}}\n") ==
        "client[0].input_distribution: unknown distribution type \"uniform\"; valid: gaussian, exponential, "
        "pareto_lognormal, empirical, constant");
  // NOTE 18: NaN passes the reference's positivity checks; blis rejects it when it reads the file,
  // with the line (docs/deviations.md).
  CHECK(validation_error("aggregate_rate: .nan\nclients:\n" + kClient) ==
        "parsing workload spec: test: line 1: aggregate_rate must be a finite number, got NaN");
}

TEST_CASE("generated requests: arrival order, dense ids, the cap, tenants and SLO classes") {
  const std::string yaml =
      "seed: 3\naggregate_rate: 100\nclients:\n" + kClient + "    tenant_id: t1\n    slo_class: batch\n" +
      "  - id: b\n    rate_fraction: 3\n    tenant_id: t2\n    arrival: {process: gamma, cv: 2}\n"
      "    input_distribution: {type: exponential, params: {mean: 30}}\n"
      "    output_distribution: {type: constant, params: {value: 2}}\n";
  const auto requests = generate(yaml, blis::kInfiniteHorizon, 200);
  REQUIRE(requests.size() == 200);
  int64_t t1 = 0;
  for (size_t i = 0; i < requests.size(); ++i) {
    CHECK(requests[i].id == static_cast<int64_t>(i));
    if (i > 0) CHECK(requests[i].arrival >= requests[i - 1].arrival);
    if (requests[i].tenant_id == "t1") {
      ++t1;
      CHECK(requests[i].slo_class == "batch");
      CHECK(requests[i].input.size() == 10);
      CHECK(requests[i].output.size() == 5);
    }
  }
  CHECK(t1 > 20);  // about a quarter of the traffic
  CHECK(t1 < 90);
  // The same spec and seed give the same stream.
  const auto again = generate(yaml, blis::kInfiniteHorizon, 200);
  CHECK(again[123].arrival == requests[123].arrival);
  CHECK(again[123].input == requests[123].input);
}

TEST_CASE("lifecycle windows drop arrivals outside them, and a client past its last window stops") {
  const std::string yaml = "aggregate_rate: 1000\nclients:\n" + kClient +
                           "    lifecycle:\n      windows: [{start_us: 100000, end_us: 200000}]\n";
  // No cap and no horizon: the reference would never finish; the stream ends after the window.
  const auto requests = generate(yaml, blis::kInfiniteHorizon, 0);
  REQUIRE(!requests.empty());
  for (const auto& r : requests) {
    CHECK(r.arrival >= 100000);
    CHECK(r.arrival < 200000);
  }
}

TEST_CASE("prefix groups: one prefix per group, shared by its clients") {
  const std::string yaml = "aggregate_rate: 100\nclients:\n" + kClient + "    prefix_group: g\n    prefix_length: 7\n" +
                           kClient + "    prefix_group: g\n    prefix_length: 99\n";
  const auto requests = generate(yaml, blis::kInfiniteHorizon, 20);
  REQUIRE(requests.size() == 20);
  for (const auto& r : requests) {
    REQUIRE(r.input.size() == 17);  // the first client's length decides the group's prefix
    CHECK(std::equal(r.input.begin(), r.input.begin() + 7, requests[0].input.begin()));
  }
}

TEST_CASE("multi-turn sessions: rounds arrive think time + output length apart, and merge in order") {
  const std::string yaml =
      "aggregate_rate: 50\nclients:\n" + kClient +
      "    reasoning:\n      multi_turn: {max_rounds: 3, think_time_us: 1000, context_growth: accumulate}\n";
  const auto requests = generate(yaml, blis::kInfiniteHorizon, 30);
  REQUIRE(requests.size() == 30);
  size_t grown = 0;
  for (size_t i = 1; i < requests.size(); ++i) CHECK(requests[i].arrival >= requests[i - 1].arrival);
  for (const auto& r : requests) grown += r.input.size() > 10 ? 1 : 0;
  CHECK(grown > 0);  // later rounds carry the earlier rounds' prompts and outputs
  CHECK_THROWS_WITH(
      generate("aggregate_rate: 50\nclients:\n" + kClient + "    reasoning:\n      multi_turn: {max_rounds: 0}\n",
               blis::kInfiniteHorizon, 10),
      "client \"a\": multi_turn.max_rounds 0 produces no requests, and without a horizon generation would never end "
      "(the reference hangs here)");
}

TEST_CASE("YAML as yaml.v3 decodes it: YAML 1.1 booleans, null list items dropped") {
  const auto yes = parse_workload_spec("aggregate_rate: 5\nclients:\n" + kClient + "    streaming: yes\n", "test");
  CHECK(yes.clients.at(0).streaming);
  const auto off = parse_workload_spec("aggregate_rate: 5\nclients:\n" + kClient + "    streaming: \"Off\"\n", "test");
  CHECK_FALSE(off.clients.at(0).streaming);
  const auto nulls = parse_workload_spec("aggregate_rate: 5\nclients:\n  - ~\n" + kClient +
                                             "    lifecycle: {windows: [~, {start_us: 0, end_us: 10}]}\n",
                                         "test");
  REQUIRE(nulls.clients.size() == 1);
  CHECK(nulls.clients[0].id == "a");
  CHECK(nulls.clients[0].lifecycle->size() == 1);
}

TEST_CASE("rate fractions: only an exact zero sum gives zero rates; a NaN fraction gives NaN rates (NOTE 18)") {
  // A NaN rate reaches the Poisson sampler as 1-tick arrivals, as in the reference.
  // Files cannot give one any more (the reader rejects it); the generator keeps the rule.
  std::string yaml = "aggregate_rate: 5\nclients:\n" + kClient;
  auto spec = parse_workload_spec(yaml, "test");
  spec.clients[0].rate_fraction = std::numeric_limits<double>::quiet_NaN();
  SpecSource source(spec, spec.seed, 1'000'000, 5, blis::core::Corrections{}, quiet);
  std::vector<GeneratedRequest> requests;
  GeneratedRequest r;
  while (source.next(r)) requests.push_back(r);
  REQUIRE(requests.size() == 5);
  for (size_t i = 0; i < requests.size(); ++i) CHECK(requests[i].arrival == static_cast<blis::Tick>(i + 1));
  yaml.replace(yaml.find("rate_fraction: 1"), 16, "rate_fraction: .nan");
  CHECK_THROWS_WITH(parse_workload_spec(yaml, "test"),
                    "parsing workload spec: test: line 4: clients[0].rate_fraction must be a finite number, got NaN");
}

TEST_CASE("a horizon <= 0 yields no requests before the request cap is checked") {
  CHECK(generate("aggregate_rate: 5\nclients:\n" + kClient, 0, -1).empty());
  CHECK_THROWS_WITH(generate("aggregate_rate: 5\nclients:\n" + kClient, 10, -1),
                    "maxRequests must be non-negative, got -1");
}

TEST_CASE("YAML merge keys fill in the keys a mapping does not set, as yaml.v3 does") {
  const std::string base =
      "  - &base\n    id: a\n    rate_fraction: 1\n    slo_class: batch\n    arrival: {process: poisson}\n"
      "    input_distribution: {type: constant, params: {value: 10}}\n"
      "    output_distribution: {type: constant, params: {value: 5}}\n";
  const auto spec = parse_workload_spec(
      "aggregate_rate: 5\nclients:\n" + base + "  - id: b\n    <<: *base\n    slo_class: realtime\n", "test");
  REQUIRE(spec.clients.size() == 2);
  CHECK(spec.clients[1].id == "b");                // its own key wins over the merged one
  CHECK(spec.clients[1].slo_class == "realtime");  // even when written after the merge
  CHECK(spec.clients[1].rate_fraction == 1);       // merged in
  CHECK(spec.clients[1].arrival.process == "poisson");
  CHECK_THROWS_WITH(parse_workload_spec("aggregate_rate: 5\n<<: 3\n", "t.yaml"),
                    doctest::Contains("map merge requires map or sequence of maps as the value"));
}

TEST_CASE("inference-perf stage durations are whole seconds, as the reference's int64 field") {
  const auto spec = parse_workload_spec(
      "inference_perf:\n  stages: [{rate: 2, duration: 1.9}, {rate: 4, duration: 3}]\n"
      "  shared_prefix: {num_unique_system_prompts: 1, num_users_per_system_prompt: 1}\n",
      "test");
  REQUIRE(spec.inference_perf->stages.size() == 2);
  CHECK(spec.inference_perf->stages[0].duration == 1);  // yaml.v3 truncates a float into an int
  CHECK(spec.inference_perf->stages[1].duration == 3);
}
