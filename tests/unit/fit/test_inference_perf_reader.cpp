// blis::fit::read_inference_perf_results / read_inference_perf_run against a real inference-perf
// result folder (tests/fixtures/fit/a_llama2_7b_codegen/README.md) and malformed inputs.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine/fit/readers/readers.h"
#include "tests/unit/error_of.h"
#include "tests/unit/fit/measurement_lookup.h"
#include "tests/unit/scratch_dir.h"

using blis::fit::kWholeRun;
using blis::testing::error_of;
using blis::fit::testing::has_metric;
using blis::fit::testing::metric_ms;

namespace {

const std::string kRun = std::string(BLIS_SOURCE_DIR) + "/tests/fixtures/fit/a_llama2_7b_codegen";

// A fresh folder under the scratch directory with the given files (relative path -> text).
std::string make_folder(const std::string& name, const std::vector<std::pair<std::string, std::string>>& files) {
  const std::filesystem::path dir = std::filesystem::path(blis::testing::scratch_dir()) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  for (const auto& [rel, text] : files) {
    std::filesystem::create_directories((dir / rel).parent_path());
    std::ofstream(dir / rel) << text;
  }
  return dir.string();
}

std::vector<blis::fit::ObservedMetric> parse(const std::string& json, int stage = 0) {
  std::vector<blis::fit::ObservedMetric> out;
  blis::fit::append_lifecycle_metrics(json, "x.json", stage, out);
  return out;
}

const char* kSummary = R"({"successes": {"count": 2, "latency": {"request_latency": {"mean": 1.5, "median": 1.25}}}})";

}  // namespace

TEST_CASE("inference-perf reader: a real A_ folder's summary and stages, seconds to ms") {
  const blis::fit::InferencePerfRun run = blis::fit::read_inference_perf_run(kRun);
  const blis::fit::Measurement& m = run.measurement;
  CHECK(m.source == kRun);
  CHECK(m.requests.empty());
  // summary + 2 stages, 4 quantities x 5 statistics each
  REQUIRE(m.metrics.size() == 60);
  CHECK(m.metrics[0].stage == kWholeRun);
  CHECK(m.metrics[0].name == "e2e_mean");
  CHECK(m.metrics[20].stage == 0);
  CHECK(m.metrics[40].stage == 1);
  CHECK(m.metrics[59].name == "tpot_p99");
  // values exactly as the JSON has them, times 1000
  CHECK(metric_ms(m, kWholeRun, "e2e_mean") == 2.0807397430955556 * 1000);
  CHECK(metric_ms(m, kWholeRun, "e2e_p50") == 2.1106220724999503 * 1000);
  CHECK(metric_ms(m, kWholeRun, "itl_p50") == 3.2142999771167524e-05 * 1000);
  CHECK(metric_ms(m, kWholeRun, "ttft_p99") == 0.04992789920011093 * 1000);
  CHECK(metric_ms(m, 0, "ttft_p50") == 0.024261102999957984 * 1000);
  CHECK(metric_ms(m, 1, "tpot_p99") == 0.005135484535737057 * 1000);
  CHECK(metric_ms(m, 1, "itl_mean") == 0.004413592161386117 * 1000);

  CHECK(run.model == "meta-llama/Llama-2-7b-hf");
  CHECK(run.tensor_parallelism == 1);
  CHECK(run.max_model_len == 4096);
  CHECK(run.max_num_batched_tokens == 2048);
  CHECK(run.max_num_seqs == 128);
  CHECK(run.workload_config == kRun + "/results/config.yaml");
  CHECK(run.blis_run_flags() ==
        std::vector<std::string>{"--model", "meta-llama/Llama-2-7b-hf", "--tp", "1", "--max-num-running-reqs", "128",
                                 "--max-num-scheduled-tokens", "2048", "--max-model-len", "4096",
                                 "--workload-inference-perf", kRun + "/results/config.yaml"});
}

TEST_CASE("inference-perf reader: the results/ folder itself is accepted too") {
  const blis::fit::Measurement direct = blis::fit::read_inference_perf_results(kRun + "/results");
  REQUIRE(direct.metrics.size() == 60);
  CHECK(metric_ms(direct, 1, "e2e_p99") == 2.579964135069936 * 1000);
  const blis::fit::InferencePerfRun run = blis::fit::read_inference_perf_run(kRun + "/results/");
  CHECK(run.model == "meta-llama/Llama-2-7b-hf");
  CHECK(std::filesystem::equivalent(run.workload_config, kRun + "/results/config.yaml"));
}

TEST_CASE("inference-perf reader: absent blocks and statistics are skipped, failures never read") {
  CHECK(parse(R"({"successes": {"count": 0, "latency": null}})").empty());
  CHECK(parse(R"({"successes": null, "failures": {"count": 4}})").empty());
  CHECK(parse(R"({"load_summary": {"count": 0}})").empty());
  const auto only = parse(R"({"failures": {"count": 3, "request_latency": {"mean": 300.0}},
      "successes": {"latency": {"request_latency": {"mean": 1.5, "p0.1": 4.15e-05, "p90": null},
                                "time_to_first_token": null, "normalized_time_per_output_token": {"mean": 9}}}})",
                          3);
  REQUIRE(only.size() == 1);
  CHECK(only[0].stage == 3);
  CHECK(only[0].name == "e2e_mean");
  CHECK(only[0].ms == 1500);
}

TEST_CASE("inference-perf reader: malformed lifecycle metrics name the file and key") {
  CHECK(error_of([] { parse("{\"successes\": {"); }) == "x.json: invalid JSON: unexpected end of JSON input");
  CHECK(error_of([] { parse("[1, 2]"); }) == "x.json: the top level is an array, expected an object of lifecycle metrics");
  CHECK(error_of([] { parse(R"({"successes": {"latency": 3}})"); }) ==
        "x.json: successes.latency is a number, expected an object");
  CHECK(error_of([] { parse(R"({"successes": {"latency": {"inter_token_latency": {"p90": "0.1"}}}})"); }) ==
        "x.json: successes.latency.inter_token_latency.p90 is a string, expected a number of seconds");
  CHECK(error_of([] { parse(R"({"successes": {"latency": {"time_per_output_token": {"p99": -0.5}}}})"); }) ==
        "x.json: successes.latency.time_per_output_token.p99 is -0.5, expected a finite number of seconds >= 0");
}

TEST_CASE("inference-perf reader: folder problems name what was expected") {
  const std::string missing = blis::testing::scratch_dir() + "/no-such-run";
  CHECK(error_of([&] { blis::fit::read_inference_perf_results(missing); }) ==
        "inference-perf results folder " + missing + " does not exist");
  const std::string empty = make_folder("ip-empty", {{"results/stage_0_lifecycle_metrics.json", kSummary}});
  CHECK(error_of([&] { blis::fit::read_inference_perf_results(empty); }) ==
        empty + ": no inference-perf results: expected " + empty +
            "/results/summary_lifecycle_metrics.json (or summary_lifecycle_metrics.json in the folder itself)");
  const std::string bad_stage = make_folder("ip-bad-stage", {{"results/summary_lifecycle_metrics.json", kSummary},
                                                             {"results/stage_1_lifecycle_metrics.json", "{,}"}});
  CHECK(error_of([&] { blis::fit::read_inference_perf_results(bad_stage); })
            .find(bad_stage + "/results/stage_1_lifecycle_metrics.json: invalid JSON") == 0);
  const std::string twice = make_folder("ip-twice", {{"results/summary_lifecycle_metrics.json", kSummary},
                                                     {"results/stage_1_lifecycle_metrics.json", kSummary},
                                                     {"results/stage_01_lifecycle_metrics.json", kSummary}});
  const std::string twice_error = error_of([&] { blis::fit::read_inference_perf_results(twice); });
  CHECK(twice_error.find(twice + "/results: two files for stage 1: ") == 0);
  CHECK(twice_error.find("stage_01_lifecycle_metrics.json") != std::string::npos);
  const std::string huge = make_folder("ip-huge", {{"results/summary_lifecycle_metrics.json", kSummary},
                                                   {"results/stage_12345678_lifecycle_metrics.json", kSummary}});
  CHECK(error_of([&] { blis::fit::read_inference_perf_results(huge); }) ==
        huge + "/results/stage_12345678_lifecycle_metrics.json: stage number 12345678 is above 1000000");
  // other files in results/ (per-request data, prometheus metrics, config.yaml) are not read
  const std::string others = make_folder("ip-others", {{"results/summary_lifecycle_metrics.json", kSummary},
                                                       {"results/stage_x_lifecycle_metrics.json", "{,}"},
                                                       {"results/per_request_lifecycle_metrics.json", "{,}"}});
  CHECK(blis::fit::read_inference_perf_results(others).metrics.size() == 2);
  const std::string no_successes =
      make_folder("ip-no-successes", {{"results/summary_lifecycle_metrics.json", R"({"successes": {"count": 0}})"}});
  CHECK(error_of([&] { blis::fit::read_inference_perf_results(no_successes); }).find("no latency metrics") !=
        std::string::npos);
}

TEST_CASE("inference-perf reader: exp-config.yaml keys absent stay unset, bad ones are errors with their line") {
  const std::string partial = make_folder("ip-partial", {{"results/summary_lifecycle_metrics.json", kSummary},
                                                         {"results/config.yaml", "load: {type: constant}\n"},
                                                         {"exp-config.yaml", "model: Org/Model\nmax_num_seqs: 64\n"
                                                                             "gpu_memory_utilization: 0.9\n"}});
  const blis::fit::InferencePerfRun run = blis::fit::read_inference_perf_run(partial);
  CHECK(metric_ms(run.measurement, kWholeRun, "e2e_p50") == 1250);
  CHECK_FALSE(has_metric(run.measurement, kWholeRun, "ttft_mean"));
  CHECK_FALSE(run.tensor_parallelism.has_value());
  CHECK_FALSE(run.max_model_len.has_value());
  CHECK(run.blis_run_flags() == std::vector<std::string>{"--model", "Org/Model", "--max-num-running-reqs", "64",
                                                         "--workload-inference-perf", partial + "/results/config.yaml"});

  const auto parse_config = [](const std::string& text) {
    blis::fit::InferencePerfRun fresh;
    blis::fit::parse_experiment_config(text, "e.yaml", fresh);
  };
  CHECK(error_of([&] { parse_config("model: m\ntensor_parallelism: two\n"); }) ==
        "e.yaml: line 2: tensor_parallelism must be a positive integer, got 'two'");
  CHECK(error_of([&] { parse_config("max_num_seqs: 0\n"); }) ==
        "e.yaml: line 1: max_num_seqs must be a positive integer, got '0'");
  CHECK(error_of([&] { parse_config("tensor_parallelism: 2\n"); }) ==
        "e.yaml: no model (expected a key model: <HuggingFace id>)");
  CHECK(error_of([&] { parse_config("- a\n"); }) ==
        "e.yaml: expected a mapping of server settings (model: ..., ...)");

  const std::string no_config = make_folder("ip-no-config", {{"results/summary_lifecycle_metrics.json", kSummary},
                                                            {"results/config.yaml", "load: {}\n"}});
  CHECK(error_of([&] { blis::fit::read_inference_perf_run(no_config); }).find("expected " + no_config +
                                                                             "/exp-config.yaml") != std::string::npos);
  const std::string no_workload = make_folder("ip-no-workload", {{"results/summary_lifecycle_metrics.json", kSummary},
                                                                {"exp-config.yaml", "model: m\n"}});
  CHECK(error_of([&] { blis::fit::read_inference_perf_run(no_workload); }) ==
        no_workload + ": no inference-perf config: expected " + no_workload +
            "/results/config.yaml (the config the harness ran)");
}
