// Input caps of workload specs (docs/safety.md, "Input limits") and the NaN/Inf values the
// reference accepts: each rejected when the file is read, with the line and the key path; the
// generator's own caps for what parameters cannot bound (heavy tails, accumulated context).
#include <doctest/doctest.h>

#include <string>

#include "engine/core/error.h"
#include "engine/workload/length_sampler.h"
#include "engine/workload/spec_expansion.h"
#include "engine/workload/spec_source.h"
#include "engine/workload/workload_spec.h"

using blis::workload::parse_workload_spec;

namespace {

const blis::DiagnosticSink quiet = [](blis::LogLevel, const std::string&) {};

std::string read_error(const std::string& yaml) {
  try {
    parse_workload_spec(yaml, "t.yaml");
  } catch (const blis::Error& e) {
    return e.what();
  }
  return "(no error)";
}

std::string client(const std::string& input, const std::string& extra = "") {
  return "aggregate_rate: 5\nnum_requests: 3\nclients:\n  - id: a\n    rate_fraction: 1\n    arrival: {process: poisson}\n"
         "    input_distribution: " + input + "\n    output_distribution: {type: constant, params: {value: 5}}\n" +
         extra;
}

std::string generate_error(const std::string& yaml, int64_t requests) {
  try {
    const auto spec = parse_workload_spec(yaml, "t.yaml");
    blis::workload::validate_workload_spec(spec);
    blis::workload::SpecSource source(spec, 1, INT64_MAX, requests, blis::core::Corrections{}, quiet);
    blis::workload::GeneratedRequest r;
    while (source.next(r)) {
    }
  } catch (const blis::Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("token-count parameters above 10,000,000 are rejected with line and key path") {
  CHECK(read_error(client("{type: constant, params: {value: 1e19}}")) ==
        "parsing workload spec: t.yaml: line 7: clients[0].input_distribution.params.value must be at most 10000000 "
        "(tokens per request; docs/safety.md), got 1e+19");
  CHECK(read_error(client("{type: exponential, params: {mean: 2e7}}")).find("params.mean must be at most 10000000") !=
        std::string::npos);
  CHECK(read_error(client("{type: gaussian, params: {mean: 5, std_dev: 1, min: 1, max: 1e8}}"))
            .find("params.max must be at most 10000000") != std::string::npos);
  CHECK(read_error(client("{type: pareto_lognormal, params: {alpha: 1, xm: 1e9, mu: 1, sigma: 1, mix_weight: 1}}"))
            .find("params.xm must be at most 10000000") != std::string::npos);
  CHECK(read_error(client("{type: empirical, params: {\"2147483648\": 1}}")) ==
        "parsing workload spec: t.yaml: line 7: clients[0].input_distribution.params.2147483648: empirical key "
        "2147483648 must be at most 10000000 (tokens per request; docs/safety.md)");
  CHECK(read_error(client("{type: constant, params: {value: 10000000}}")) == "(no error)");  // the cap itself is fine
  CHECK(read_error(client("{type: constant, params: {value: 5}}", "    prefix_group: g\n    prefix_length: 10000001\n"))
            .find("prefix_length must be at most 10000000") != std::string::npos);
}

TEST_CASE("NaN and Inf rates, fractions and multimodal or reasoning parameters are rejected when read") {
  std::string yaml = client("{type: constant, params: {value: 5}}");
  CHECK(read_error("aggregate_rate: .inf\n" + yaml.substr(yaml.find('\n') + 1)) ==
        "parsing workload spec: t.yaml: line 1: aggregate_rate must be a finite number, got +Inf");
  CHECK(read_error(client("{type: constant, params: {value: 5}}",
                          "    multimodal:\n      image_count_distribution: {type: empirical, params: {\"1\": .nan}}\n")) ==
        "parsing workload spec: t.yaml: line 10: clients[0].multimodal.image_count_distribution.params.1 must be a "
        "finite number, got NaN");
  CHECK(read_error(client("{type: constant, params: {value: 5}}",
                          "    reasoning:\n      reason_ratio_distribution: {type: constant, params: {value: -.inf}}\n"))
            .find("reason_ratio_distribution.params.value must be a finite number, got -Inf") != std::string::npos);
}

TEST_CASE("multi-turn rounds, inference-perf users, stages and stage durations are capped") {
  CHECK(read_error(client("{type: constant, params: {value: 5}}",
                          "    reasoning:\n      multi_turn: {max_rounds: 10001, think_time_us: 1}\n"))
            .find("line 10: clients[0].reasoning.multi_turn.max_rounds must be at most 10000") != std::string::npos);
  const std::string ip = "inference_perf:\n  stages: [{rate: 1, duration: 10}]\n  shared_prefix:\n"
                         "    num_unique_system_prompts: 1000\n    num_users_per_system_prompt: 101\n";
  CHECK(read_error(ip) == "parsing workload spec: t.yaml: line 4: inference_perf.shared_prefix: "
                          "num_unique_system_prompts * num_users_per_system_prompt = 101000 clients; at most 100000 "
                          "(docs/safety.md)");
  CHECK(read_error("inference_perf:\n  stages: [{rate: 1, duration: 1000000001}]\n")
            .find("duration must be at most 1000000000") != std::string::npos);
  CHECK(read_error("inference_perf:\n  shared_prefix: {question_len: 10000001}\n")
            .find("question_len must be at most 10000000") != std::string::npos);
}

TEST_CASE("inference-perf expansion checks the client count before building anything") {
  blis::workload::WorkloadSpecFile spec;
  blis::workload::InferencePerfSpec ip;
  ip.stages.push_back({1.0, 10});
  blis::workload::SharedPrefixSpec p;
  p.num_unique_system_prompts = 9;
  p.num_users_per_system_prompt = int64_t{1} << 31;
  ip.shared_prefix = p;
  spec.inference_perf = ip;
  CHECK_THROWS_WITH(blis::workload::expand_workload_sources(spec, blis::core::Corrections{}, quiet),
                    doctest::Contains("clients; at most 100000"));
  CHECK(spec.clients.empty());
}

TEST_CASE("empirical samplers built from any source hold the key and bin caps") {
  blis::workload::DistSpec d{"empirical", {{"64", 1.0}, {"10000001", 1.0}}, ""};
  CHECK_THROWS_WITH(blis::workload::make_length_sampler(d, blis::core::Corrections{}, blis::workload::SampleUse::RequestLength),
                    "empirical PDF key \"10000001\" is above the limit of 10000000 tokens per request (docs/safety.md)");
  blis::workload::DistSpec many{"empirical", {}, ""};
  for (int i = 0; i <= 1'000'000; ++i) many.params.emplace_back(std::to_string(i), 1.0);
  CHECK_THROWS_WITH(blis::workload::make_length_sampler(many, blis::core::Corrections{}, blis::workload::SampleUse::RequestLength), doctest::Contains("at most 1000000 bins"));
}

TEST_CASE("sampled and accumulated lengths above the cap are errors naming the client") {
  // A pareto tail: xm is within the cap, a draw far beyond it is not.
  CHECK(generate_error(client("{type: pareto_lognormal, params: {alpha: 0.05, xm: 9000000, mu: 1, sigma: 1, "
                              "mix_weight: 1}}"), 50)
            .find("client \"a\": sampled token length") != std::string::npos);
  // Accumulated multi-turn context: 4 rounds of 4,000,000 tokens.
  CHECK(generate_error(client("{type: constant, params: {value: 4000000}}",
                              "    reasoning:\n      multi_turn: {max_rounds: 4, think_time_us: 1, context_growth: "
                              "accumulate}\n"), 4)
            .find("accumulates") != std::string::npos);
}
