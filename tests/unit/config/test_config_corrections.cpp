// The configuration corrections (issue #12), each in both modes and through both front ends:
// scorers_need_weighted (§B.7, NOTE 25), validate_latencies (§G, NOTE 13) and
// early_sampler_errors (§D.4, NOTE 24). workload_spec_over_traces is a flag rule
// (tests/unit/bindings/test_run_flags.cpp).
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/config/run_config.h"
#include "engine/config/scenario_spec.h"
#include "engine/core/error.h"
#include "engine/simulation.h"
#include "engine/workload/workload_spec.h"

using blis::config::ScenarioSpec;

namespace {

const std::string kFixtures = std::string(BLIS_SOURCE_DIR) + "/tests/fixtures/";

// A run as `blis run` (origin "blis run") or as a scenario file, in reference mode with one
// correction switched as asked.
ScenarioSpec base(const std::string& origin, const char* correction, bool on) {
  ScenarioSpec s;
  s.origin = origin;
  s.key_sites = {{"", origin + ":1"}};
  s.compat_mode = "reference";
  s.compat_overrides = {{correction, on}};
  s.model = "foo";
  s.alpha = std::vector<double>{100, 1, 50};
  s.beta = std::vector<double>{1000, 10, 5};
  s.defaults_file = kFixtures + "reference/defaults.yaml";
  s.workload.rate = 10;
  s.workload.requests = 5;
  return s;
}

struct Result {
  std::string error = "(no error)";
  std::vector<std::string> warnings;
};

Result resolve(const ScenarioSpec& s) {
  Result r;
  const blis::DiagnosticSink log = [&](blis::LogLevel level, const std::string& m) {
    if (level == blis::LogLevel::Warning) r.warnings.push_back(m);
  };
  try {
    blis::config::resolve(s, log);
  } catch (const blis::Error& e) {
    r.error = e.what();
  }
  return r;
}

}  // namespace

TEST_CASE("scorers_need_weighted: a malformed --routing-scorers is an error whatever the policy when corrected") {
  for (const bool corrected : {false, true}) {
    CAPTURE(corrected);
    ScenarioSpec run = base("blis run", "scorers_need_weighted", corrected);
    run.routing_policy = "round-robin";
    run.routing_scorers = "garbage,";
    const Result r = resolve(run);
    if (corrected) {
      CHECK(r.error == "Invalid --routing-scorers: invalid scorer config \"garbage\" (expected name:weight)");
    } else {
      CHECK(r.error == "(no error)");
      REQUIRE(r.warnings.size() == 1);
      CHECK(r.warnings[0] ==
            "--routing-scorers has no effect when routing policy is \"round-robin\" (only applies to 'weighted')");
    }
    ScenarioSpec file = base("scenarios/x.lua", "scorers_need_weighted", corrected);
    file.routing_policy = "least-loaded";
    file.routing_scorers = "queue-depth:2,qeue-depth:1";
    file.key_sites["routing.scorers"] = "scenarios/x.lua:7";
    const Result f = resolve(file);
    CHECK(f.error == (corrected ? "scenarios/x.lua:7: scenario key 'routing.scorers' is invalid: unknown scorer "
                                  "\"qeue-depth\"; valid: kv-utilization, load-balance, prefix-affinity, queue-depth"
                                : "(no error)"));
  }
  // A valid string for another policy still only warns (it has no effect), in both modes.
  ScenarioSpec valid = base("blis run", "scorers_need_weighted", true);
  valid.routing_policy = "round-robin";
  valid.routing_scorers = "queue-depth:1";
  const Result v = resolve(valid);
  CHECK(v.error == "(no error)");
  CHECK(v.warnings.size() == 1);
}

TEST_CASE("validate_latencies: negative latencies and --horizon are errors naming the flag or key when corrected") {
  struct Case {
    const char* key;
    const char* flag_message;
    const char* scenario_problem;
    void (*set)(ScenarioSpec&);
  };
  const Case cases[] = {
      {"admission.latency_us", "--admission-latency must be >= 0, got -5", "must be >= 0 (microseconds), got -5",
       [](ScenarioSpec& s) { s.admission_latency_us = -5; }},
      {"routing.latency_us", "--routing-latency must be >= 0, got -1", "must be >= 0 (microseconds), got -1",
       [](ScenarioSpec& s) { s.routing_latency_us = -1; }},
  };
  for (const Case& c : cases) {
    CAPTURE(c.key);
    for (const bool corrected : {false, true}) {
      CAPTURE(corrected);
      ScenarioSpec run = base("blis run", "validate_latencies", corrected);
      c.set(run);
      CHECK(resolve(run).error == (corrected ? std::string(c.flag_message) : "(no error)"));
      ScenarioSpec file = base("scenarios/x.lua", "validate_latencies", corrected);
      file.key_sites[c.key] = "scenarios/x.lua:9";
      c.set(file);
      CHECK(resolve(file).error == (corrected ? std::string("scenarios/x.lua:9: scenario key '") + c.key + "' " +
                                                    c.scenario_problem
                                              : "(no error)"));
    }
  }
  // --horizon -1 is the reference's empty run on the command line; corrected, it is checked as a
  // scenario's horizon_us always is.
  ScenarioSpec reference = base("blis run", "validate_latencies", false);
  reference.horizon_us = -1;
  CHECK(resolve(reference).error == "(no error)");
  ScenarioSpec corrected = base("blis run", "validate_latencies", true);
  corrected.horizon_us = -1;
  CHECK(resolve(corrected).error == "--horizon must be >= 0 (microseconds), got -1");
  ScenarioSpec zero = base("blis run", "validate_latencies", true);
  zero.admission_latency_us = 0;
  zero.horizon_us = 0;
  CHECK(resolve(zero).error == "(no error)");
}

TEST_CASE("early_sampler_errors: a client's bad multimodal or reason-ratio distribution is found before the run") {
  // The client's first arrival (about 1,000 s away at 0.001 requests/s) lies past the 1 s
  // horizon, so it never draws a request: the reference never builds its samplers and runs
  // without a word.
  const std::string client =
      "aggregate_rate: 0.001\nclients:\n"
      "  - id: late\n    rate_fraction: 1\n    arrival: {process: poisson}\n"
      "    input_distribution: {type: constant, params: {value: 10}}\n"
      "    output_distribution: {type: constant, params: {value: 5}}\n";
  const std::string multimodal = client +
                                 "    multimodal:\n"
                                 "      image_distribution: {type: gausian, params: {mean: 10}}\n"
                                 "      image_count_distribution: {type: constant, params: {value: 1}}\n";
  const std::string reasoning = client +
                                "    reasoning:\n"
                                "      reason_ratio_distribution: {type: gaussian, params: {mean: 10}}\n"
                                "      multi_turn: {max_rounds: 2}\n";
  struct Case {
    const std::string* yaml;
    const char* message;
  };
  const Case cases[] = {
      {&multimodal, "Failed to generate workload: client \"late\" multimodal: image distribution: unknown "
                    "distribution type \"gausian\""},
      {&reasoning, "Failed to generate workload: client \"late\" reasoning: reason ratio distribution: distribution "
                   "requires parameter \"std_dev\""},
  };
  for (const Case& c : cases) {
    CAPTURE(*c.yaml);
    for (const bool corrected : {false, true}) {
      CAPTURE(corrected);
      ScenarioSpec run = base("blis run", "early_sampler_errors", corrected);
      run.workload.kind = "spec";
      run.workload.inline_spec =
          std::make_shared<blis::workload::WorkloadSpecFile>(blis::workload::parse_workload_spec(*c.yaml, "test"));
      run.horizon_us = 1'000'000;
      const Result r = resolve(run);
      if (corrected) {
        CHECK(r.error.rfind(c.message, 0) == 0);
      } else {
        CHECK(r.error == "(no error)");
      }
    }
  }
}

TEST_CASE("fitness_duplicate_keys: a fitness key given twice is an error when corrected, the last wins otherwise") {
  for (const bool corrected : {false, true}) {
    CAPTURE(corrected);
    ScenarioSpec run = base("blis run", "fitness_duplicate_keys", corrected);
    run.fitness_weights = "throughput:1,p99_ttft:2,throughput:3";
    const Result r = resolve(run);
    CHECK(r.error == (corrected ? "Invalid fitness weights: fitness weight \"throughput\" is given twice"
                                : "(no error)"));
    ScenarioSpec file = base("scenarios/x.lua", "fitness_duplicate_keys", corrected);
    file.fitness_weights = "throughput:1,throughput:3";
    file.key_sites["fitness_weights"] = "scenarios/x.lua:4";
    CHECK(resolve(file).error == (corrected ? "scenarios/x.lua:4: scenario key 'fitness_weights' is invalid: "
                                              "fitness weight \"throughput\" is given twice"
                                            : "(no error)"));
  }
  ScenarioSpec reference = base("blis run", "fitness_duplicate_keys", false);
  reference.fitness_weights = "throughput:1,throughput:3";
  const blis::DiagnosticSink quiet = [](blis::LogLevel, const std::string&) {};
  const blis::config::RunConfig c = blis::config::resolve(reference, quiet);
  REQUIRE(c.fitness_weights.has_value());
  CHECK(c.fitness_weights->at("throughput") == 3.0);
}
