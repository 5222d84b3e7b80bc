// Every validation config::resolve() makes, through both front ends: `blis run` (origin
// "blis run") keeps the reference's flag-named message, a scenario file names the key path and
// the file:line that set it (engine/config/scenario_where.h). Caps (docs/safety.md) apply to both.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <string>

#include "engine/config/run_config.h"
#include "engine/config/scenario_spec.h"
#include "engine/config/scenario_where.h"
#include "engine/core/error.h"
#include "engine/simulation.h"

using blis::config::ScenarioSpec;

namespace {

const blis::DiagnosticSink quiet = [](blis::LogLevel, const std::string&) {};
const std::string kFixtures = std::string(BLIS_SOURCE_DIR) + "/tests/fixtures/";

ScenarioSpec base(const std::string& origin) {
  ScenarioSpec s;
  s.origin = origin;
  if (origin == "blis run") s.compat_mode = "reference";  // as blis run's scenario always says
  s.model = "foo";
  s.alpha = std::vector<double>{100, 1, 50};
  s.beta = std::vector<double>{1000, 10, 5};
  s.defaults_file = kFixtures + "reference/defaults.yaml";
  s.workload.rate = 10;
  s.workload.requests = 5;
  return s;
}

std::string resolve_error(const ScenarioSpec& s) {
  try {
    blis::config::resolve(s, quiet);
  } catch (const blis::Error& e) {
    return e.what();
  }
  return "(no error)";
}

struct Case {
  const char* key;        // the scenario key blamed
  const char* flag_text;  // what blis run says (its start)
  const char* problem;    // what the scenario message says after the key (its start)
  std::function<void(ScenarioSpec&)> set;
};

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

}  // namespace

TEST_CASE("resolve: each validation names the flag for blis run and the key and line for a scenario") {
  const double nan = std::nan("");
  const Case cases[] = {
      {"model.name", "LLM name not provided", "is required", [](ScenarioSpec& s) { s.model = ""; }},
      {"model", "no latency coefficients for model foo", "gives no latency coefficients",
       [](ScenarioSpec& s) { s.alpha = s.beta = std::vector<double>{0, 0, 0}; }},
      {"model.hardware_config", "please provide a hardware config file", "is missing",
       [](ScenarioSpec& s) {
         s.alpha = s.beta = std::vector<double>{0, 0, 0};
         s.model_config_folder = "somewhere";
       }},
      {"workload.rate", "--rate must be a finite value > 0, got NaN", "must be a finite number > 0",
       [&](ScenarioSpec& s) { s.workload.rate = nan; }},
      {"workload.prompt_tokens", "prompt tokens mean (512) and stdev (256) must both lie", "needs mean (512)",
       [](ScenarioSpec& s) { s.workload.prompt_tokens.min = 600; }},
      {"workload.output_tokens", "--output-tokens-max must be at most 10000000", "max must be at most 10000000",
       [](ScenarioSpec& s) { s.workload.output_tokens.max = 20'000'000; }},
      {"workload.prefix_tokens", "--prefix-tokens must be at most 10000000", "must be at most 10000000",
       [](ScenarioSpec& s) { s.workload.prefix_tokens = 10'000'001; }},
      {"workload.name", "Undefined workload \"chatbto\"", "must be one of chatbot, summarization, contentgen, multidoc, "
       "got \"chatbto\" (did you mean 'chatbot'?)", [](ScenarioSpec& s) {
         s.workload.kind = "preset";
         s.workload.preset = "chatbto";
       }},
      {"workload.path", "--workload traces requires --workload-traces-filepath", "is required",
       [](ScenarioSpec& s) { s.workload.kind = "csv_trace"; }},
      {"workload.path", "a trace v2 workload needs the header file's path", "is required",
       [](ScenarioSpec& s) { s.workload.kind = "trace_v2"; }},
      {"workload.path", "Failed to load trace v2: ", "names a trace v2 that cannot be replayed",
       [](ScenarioSpec& s) {
         s.workload.kind = "trace_v2";
         s.workload.path = "no/such/trace.yaml";
       }},
      {"workload.path", "Failed to load workload spec: reading workload spec: open no/such/spec.yaml",
       "names a workload spec that cannot be loaded", [](ScenarioSpec& s) {
         s.workload.kind = "spec";
         s.workload.path = "no/such/spec.yaml";
       }},
      {"workload", "Invalid workload spec: aggregate_rate must be positive", "is an invalid workload spec",
       [](ScenarioSpec& s) {
         s.workload.kind = "spec";
         s.workload.path = kFixtures + "../lua/inputs/zero_rate.yaml";
       }},
      {"workload", "--workload-spec requires either num_requests", "needs num_requests", [](ScenarioSpec& s) {
         s.workload.kind = "spec";
         s.workload.requests.reset();
         s.workload.path = kFixtures + "../lua/inputs/no_bound.yaml";
       }},
      {"workload", "Failed to generate workload: client \"a\" input distribution: distribution requires parameter",
       "cannot generate its workload", [](ScenarioSpec& s) {
         s.workload.kind = "spec";
         s.workload.path = kFixtures + "../lua/inputs/missing_param.yaml";
       }},
      {"instances", "num-instances must be >= 1", "must be >= 1, got 0", [](ScenarioSpec& s) { s.instances = 0; }},
      {"instances", "num-instances must be <= 2147483647", "must be <= 2147483647",
       [](ScenarioSpec& s) { s.instances = int64_t{1} << 40; }},
      {"engine.kv_blocks", "--total-kv-blocks must be > 0, got 0", "must be > 0, got 0",
       [](ScenarioSpec& s) { s.kv_blocks = 0; }},
      {"engine.kv_blocks", "--total-kv-blocks must be at most 100000000", "must be at most 100000000",
       [](ScenarioSpec& s) { s.kv_blocks = 100'000'001; }},
      {"engine.block_size_tokens", "--block-size-in-tokens must be > 0, got -1", "must be > 0, got -1",
       [](ScenarioSpec& s) { s.block_size_tokens = -1; }},
      {"engine.block_size_tokens", "--block-size-in-tokens must be at most 1048576", "must be at most 1048576",
       [](ScenarioSpec& s) { s.block_size_tokens = INT64_MAX; }},
      {"engine.max_running", "--max-num-running-reqs must be > 0", "must be > 0", [](ScenarioSpec& s) { s.max_running = 0; }},
      {"engine.max_batched_tokens", "--max-num-scheduled-tokens must be > 0", "must be > 0",
       [](ScenarioSpec& s) { s.max_batched_tokens = 0; }},
      {"engine.long_prefill_threshold", "--long-prefill-token-threshold must be >= 0", "must be >= 0",
       [](ScenarioSpec& s) { s.long_prefill_threshold = -1; }},
      {"policy_config", "Failed to load policy config: ", "names a policy bundle that cannot be loaded",
       [](ScenarioSpec& s) { s.policy_config = "no/such/bundle.yaml"; }},
      {"admission.capacity", "--token-bucket-capacity must be a finite value > 0, got -1", "must be a finite number > 0",
       [](ScenarioSpec& s) {
         s.admission_policy = "token-bucket";
         s.token_bucket_capacity = -1;
       }},
      {"admission.refill_per_s", "--token-bucket-refill-rate must be a finite value > 0", "must be a finite number > 0",
       [](ScenarioSpec& s) {
         s.admission_policy = "token-bucket";
         s.token_bucket_refill_per_s = 0;
       }},
      {"admission.policy", "Unknown admission policy \"token_bucket\"", "names an unknown admission policy "
       "\"token_bucket\"; valid: always-admit, reject-all, token-bucket, or a function (did you mean 'token-bucket'?)",
       [](ScenarioSpec& s) { s.admission_policy = "token_bucket"; }},
      {"routing.policy", "Unknown routing policy \"round_robin\". Valid: always-busiest", "names an unknown routing "
       "policy \"round_robin\"; valid: always-busiest, least-loaded, prefix-affinity, round-robin, weighted (did you "
       "mean 'round-robin'?)", [](ScenarioSpec& s) { s.routing_policy = "round_robin"; }},
      {"engine.priority", "Unknown priority policy \"slo\"", "names an unknown priority policy \"slo\"",
       [](ScenarioSpec& s) { s.priority_policy = "slo"; }},
      {"engine.scheduler", "Unknown scheduler \"sfj\"", "names an unknown scheduler \"sfj\"; valid: fcfs, priority-fcfs, "
       "reverse-priority, sjf (did you mean 'sjf'?)", [](ScenarioSpec& s) { s.scheduler = "sfj"; }},
      {"trace.level", "Unknown trace level \"decision\"", "must be \"none\" or \"decisions\", got \"decision\" (did you "
       "mean 'decisions'?)", [](ScenarioSpec& s) { s.trace_level = "decision"; }},
      {"trace.counterfactual_k", "--counterfactual-k must be >= 0", "must be >= 0",
       [](ScenarioSpec& s) { s.counterfactual_k = -1; }},
      {"engine.kv_cpu_blocks", "--kv-cpu-blocks must be >= 0", "must be >= 0", [](ScenarioSpec& s) { s.kv_cpu_blocks = -1; }},
      {"engine.kv_cpu_blocks", "--kv-cpu-blocks must be at most 100000000", "must be at most 100000000",
       [](ScenarioSpec& s) { s.kv_cpu_blocks = int64_t{1} << 40; }},
      {"engine.kv_offload_threshold", "--kv-offload-threshold must be a finite value in [0, 1]",
       "must be a finite number in [0, 1]", [](ScenarioSpec& s) { s.kv_offload_threshold = 2; }},
      {"engine.kv_transfer_bandwidth", "--kv-transfer-bandwidth must be a finite value > 0", "must be a finite number > 0",
       [](ScenarioSpec& s) {
         s.kv_cpu_blocks = 10;
         s.kv_transfer_bandwidth = 0;
       }},
      {"engine.kv_transfer_base_latency_us", "--kv-transfer-base-latency must be >= 0", "must be >= 0",
       [](ScenarioSpec& s) { s.kv_transfer_base_latency_us = -1; }},
      {"routing.snapshot_refresh_us", "--snapshot-refresh-interval must be >= 0", "must be >= 0",
       [](ScenarioSpec& s) { s.snapshot_refresh_us = -1; }},
      {"routing.scorers", "Invalid --routing-scorers: ", "is invalid: ", [](ScenarioSpec& s) {
         s.routing_policy = "weighted";
         s.routing_scorers = "queue-depth";
       }},
      {"routing.scorers", "Invalid --routing-scorers: unknown scorer \"queue-dept\"", "names an unknown scorer "
       "\"queue-dept\"", [](ScenarioSpec& s) {
         s.routing_policy = "weighted";
         s.scorer_list = std::vector<blis::config::ScorerSpec>{{"queue-dept", 1, -1}};
       }},
      {"routing.scorers", "Invalid --routing-scorers: duplicate scorer \"queue-depth\"", "names scorer \"queue-depth\" "
       "twice", [](ScenarioSpec& s) {
         s.routing_policy = "weighted";
         s.scorer_list = std::vector<blis::config::ScorerSpec>{{"queue-depth", 1, -1}, {"queue-depth", 2, -1}};
       }},
      {"routing.scorers", "Invalid --routing-scorers: weight of scorer \"queue-depth\"", "gives scorer \"queue-depth\" the "
       "weight NaN", [&](ScenarioSpec& s) {
         s.routing_policy = "weighted";
         s.scorer_list = std::vector<blis::config::ScorerSpec>{{"queue-depth", nan, -1}};
       }},
      {"export.workload_data", "--export-workload-data needs --export-workload", "needs export.workload",
       [](ScenarioSpec& s) { s.export_workload_data = "run.csv"; }},
      {"export.workload_data", "--export-workload and --export-workload-data are the same file",
       "is the same file as export.workload", [](ScenarioSpec& s) {
         s.export_workload = "run.yaml";
         s.export_workload_data = "run.yaml";
       }},
      {"trace.file", "trace.file \"t.jsonl\" needs trace.level", "is \"t.jsonl\", which needs trace.level",
       [](ScenarioSpec& s) { s.trace_file = "t.jsonl"; }},
      {"fitness_weights", "Invalid fitness weights: ", "is invalid: ", [](ScenarioSpec& s) { s.fitness_weights = "x"; }},
      {"fitness_weights", "Fitness evaluation failed: unknown fitness metric key", "is invalid: unknown fitness metric",
       [](ScenarioSpec& s) { s.fitness_weights = "ttft_p999:1"; }},
  };
  for (const Case& c : cases) {
    const std::string key = c.key;
    ScenarioSpec run = base("blis run");
    c.set(run);
    const std::string run_message = resolve_error(run);
    CAPTURE(key);
    CAPTURE(run_message);
    CHECK(starts_with(run_message, c.flag_text));
    CHECK(run_message.find("scenario key") == std::string::npos);

    ScenarioSpec file = base("scenarios/x.lua");
    file.key_sites = {{"", "scenarios/x.lua:1"}, {c.key, "scenarios/x.lua:7"}};
    c.set(file);
    const std::string file_message = resolve_error(file);
    CAPTURE(file_message);
    CHECK(starts_with(file_message, std::string("scenarios/x.lua:7: scenario key '") + c.key + "' " + c.problem));
  }
}

TEST_CASE("resolve: a negative horizon is the reference's empty run for blis run, an error in a scenario") {
  ScenarioSpec run = base("blis run");
  run.horizon_us = -1;
  CHECK(resolve_error(run) == "(no error)");
  ScenarioSpec file = base("scenarios/x.lua");
  file.horizon_us = -1;
  CHECK(resolve_error(file) ==
        "scenarios/x.lua: scenario key 'horizon_us' must be >= 0 (microseconds of simulated time), got -1");
}

TEST_CASE("resolve: a key without a recorded line is blamed on its enclosing key, then the call, then the file") {
  ScenarioSpec s = base("scenarios/x.lua");
  s.key_sites = {{"", "scenarios/x.lua:3"}, {"engine", "scenarios/x.lua:5"}};
  CHECK(s.site_of("engine.kv_blocks") == "scenarios/x.lua:5");
  CHECK(s.site_of("routing.policy") == "scenarios/x.lua:3");
  s.key_sites.clear();
  CHECK(s.site_of("routing.policy") == "scenarios/x.lua");
}

TEST_CASE("did_you_mean: close names only, as the schema's key suggestions") {
  using blis::config::did_you_mean;
  CHECK(did_you_mean("round_robin", {"round-robin", "weighted"}) == " (did you mean 'round-robin'?)");
  CHECK(did_you_mean("wieghted", {"round-robin", "weighted"}) == " (did you mean 'weighted'?)");
  CHECK(did_you_mean("random", {"round-robin", "weighted"}).empty());
  CHECK(did_you_mean("", {"fcfs"}).empty());
}
