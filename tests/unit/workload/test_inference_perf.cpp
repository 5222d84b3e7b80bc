// The faithful reading of the compact inference_perf block (correction inference_perf_faithful,
// engine/workload/inference_perf): the harness's stage timer, prompt pool and request stream,
// and how resolve chooses between it and the reference's N x M clients.
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/config/run_config.h"
#include "engine/config/scenario_spec.h"
#include "engine/core/error.h"
#include "engine/simulation.h"
#include "engine/workload/inference_perf/harness_source.h"
#include "engine/workload/inference_perf/stage_report.h"
#include "engine/workload/inference_perf/stage_timer.h"
#include "engine/workload/workload_spec.h"

namespace ip = blis::workload::inference_perf;
using blis::workload::GeneratedRequest;
using blis::workload::InferencePerfSpec;

namespace {

InferencePerfSpec spec_of(std::vector<blis::workload::InferencePerfStage> stages, int64_t n, int64_t m,
                          int64_t system_len, int64_t question_len, int64_t output_len) {
  InferencePerfSpec s;
  s.stages = std::move(stages);
  s.shared_prefix = blis::workload::SharedPrefixSpec{n, m, system_len, question_len, output_len, false};
  return s;
}

std::vector<GeneratedRequest> all_requests(const InferencePerfSpec& s, int64_t seed = 7, int64_t horizon = INT64_MAX,
                                           int64_t max_requests = 0) {
  ip::HarnessSource source(s, seed, horizon, max_requests);
  std::vector<GeneratedRequest> out;
  GeneratedRequest r;
  while (source.next(r)) out.push_back(r);
  return out;
}

std::vector<int64_t> prefix(const std::vector<int64_t>& v, int64_t n) { return {v.begin(), v.begin() + n}; }

}  // namespace

TEST_CASE("inference-perf stage timer: exactly int(rate x duration) sends, spread over the stage, the last at its end") {
  CHECK(ip::stage_request_count(8.0, 600) == 4800);
  CHECK(ip::stage_request_count(2.5, 3) == 7);  // Python's int() truncates
  ip::StageTimer timer(5'000'000, 100'000'000, 4000, 99);
  std::vector<blis::Tick> times;
  blis::Tick t = 0;
  while (timer.next(t)) times.push_back(t);
  REQUIRE(times.size() == 4000);
  CHECK(times.front() >= 5'000'000);
  CHECK(times.back() == 105'000'000);
  for (size_t i = 1; i < times.size(); ++i) CHECK(times[i] >= times[i - 1]);
  // Rescaled exponential gaps: each send is uniform over the stage, so the first half holds
  // Binomial(n, 1/2) of them; 5 standard deviations (sqrt(n)/2) make a flaky failure negligible.
  int64_t first_half = 0;
  for (const blis::Tick x : times) first_half += x <= 55'000'000 ? 1 : 0;
  CHECK(std::abs(static_cast<double>(first_half) - 2000.0) < 5 * std::sqrt(4000.0) / 2);
  // Gaps are exponential, not constant: their coefficient of variation is near 1.
  double sum = 0, sum_sq = 0;
  for (size_t i = 1; i < times.size(); ++i) {
    const double g = static_cast<double>(times[i] - times[i - 1]);
    sum += g;
    sum_sq += g * g;
  }
  const double mean = sum / 3999, cv = std::sqrt(sum_sq / 3999 - mean * mean) / mean;
  CHECK(cv == doctest::Approx(1.0).epsilon(0.1));
}

TEST_CASE("inference-perf faithful: each stage at its own rate, one after another with the harness's pauses") {
  const auto s = spec_of({{8.0, 60}, {20.0, 60}}, 3, 4, 100, 447, 248);
  const auto requests = all_requests(s);
  REQUIRE(requests.size() == 480 + 1200);
  // Stage 0's timer starts 1 s in; stage 1 starts 1 s (interval) + 1 s (lead-in) after it ends.
  CHECK(ip::stage_start_us(s, 0) == 1'000'000);
  CHECK(ip::stage_start_us(s, 1) == 63'000'000);
  int64_t first = 0, second = 0;
  for (const auto& r : requests) {
    if (r.arrival >= 1'000'000 && r.arrival <= 61'000'000) ++first;
    if (r.arrival >= 63'000'000 && r.arrival <= 123'000'000) ++second;
  }
  CHECK(first == 480);   // 8 req/s, not the 14 req/s average the reference runs both stages at
  CHECK(second == 1200);
  CHECK(requests[479].arrival == 61'000'000);
  CHECK(requests.back().arrival == 123'000'000);
  for (size_t i = 0; i < requests.size(); ++i) CHECK(requests[i].id == static_cast<int64_t>(i));
}

TEST_CASE("inference-perf faithful: prompts are a system prompt plus a question, from a reused pool") {
  const int64_t n = 3, m = 4, system_len = 100, question_len = 447;
  const auto s = spec_of({{10.0, 5}, {10.0, 3}}, n, m, system_len, question_len, 248);
  const auto requests = all_requests(s);
  REQUIRE(requests.size() == 80);
  std::map<std::string, std::vector<int64_t>> system_prompt_of_group;
  std::set<std::vector<int64_t>> distinct_prompts;
  for (const auto& r : requests) {
    CHECK(r.input.size() == static_cast<size_t>(system_len + question_len));  // exact, no 50-token default
    CHECK(r.output.size() == 248);
    const auto system = prefix(r.input, system_len);
    auto [it, inserted] = system_prompt_of_group.emplace(r.tenant_id, system);
    CHECK(it->second == system);  // one system prompt per group
    distinct_prompts.insert(r.input);
  }
  CHECK(system_prompt_of_group.size() == static_cast<size_t>(n));
  CHECK(distinct_prompts.size() == static_cast<size_t>(n * m));
  std::set<std::vector<int64_t>> distinct_systems;
  for (const auto& [group, tokens] : system_prompt_of_group) distinct_systems.insert(tokens);
  CHECK(distinct_systems.size() == static_cast<size_t>(n));
  // Request k of a stage sends prompt k mod 12; the count restarts with each stage.
  CHECK(requests[0].input == requests[12].input);
  CHECK(requests[0].input != requests[1].input);
  CHECK(requests[50].input == requests[0].input);  // stage 1 begins at request 50
  CHECK(requests[12].sharing.source_id == 0);
  CHECK(requests[12].sharing.source_tokens == system_len + question_len);
  CHECK(requests[0].sharing.source_id == -1);
  CHECK(requests[0].sharing.group_tokens == system_len);
}

TEST_CASE("inference-perf faithful: zero lengths mean none (no 50-token prefix, no 1-token question)") {
  const auto no_system = all_requests(spec_of({{4.0, 2}}, 2, 2, 0, 30, 5));
  REQUIRE(no_system.size() == 8);
  for (const auto& r : no_system) {
    CHECK(r.input.size() == 30);
    CHECK(r.sharing.group.empty());
  }
  const auto no_question = all_requests(spec_of({{4.0, 2}}, 2, 2, 40, 0, 5));
  for (const auto& r : no_question) CHECK(r.input.size() == 40);

  CHECK_THROWS_WITH_AS(ip::check_faithful(spec_of({{1.0, 1}}, 1, 1, 0, 0, 5)),
                       "inference_perf.shared_prefix: system_prompt_len + question_len must be at least 1 (a request "
                       "needs a prompt)",
                       blis::Error);
  CHECK_THROWS_WITH_AS(ip::check_faithful(spec_of({{1.0, 1}}, 1, 1, 10, 0, 0)),
                       "inference_perf.shared_prefix.output_len must be at least 1 (the harness asks for exactly "
                       "output_len tokens and the server rejects max_tokens 0), got 0",
                       blis::Error);
  CHECK_THROWS_AS(ip::check_faithful(spec_of({{1e300, 10}}, 1, 1, 10, 10, 5)), blis::Error);
}

TEST_CASE("inference-perf faithful: a request cap and a horizon end the stream; a seed fixes it") {
  const auto s = spec_of({{10.0, 10}, {10.0, 10}}, 2, 2, 10, 10, 5);
  CHECK(all_requests(s, 7, INT64_MAX, 25).size() == 25);
  const auto cut = all_requests(s, 7, 12'000'000);
  CHECK(cut.size() == 100);  // stage 0 ends at 11 s; stage 1 starts at 13 s
  const auto a = all_requests(s, 7), b = all_requests(s, 7), c = all_requests(s, 8);
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].arrival == b[i].arrival);
    CHECK(a[i].input == b[i].input);
  }
  CHECK(a[3].arrival != c[3].arrival);
  // A stage of 10^12 requests starts sending at once (nothing is drawn ahead for the stage).
  const auto huge = all_requests(spec_of({{1e6, 1'000'000}}, 1, 1, 1, 1, 1), 7, 1'000'100);
  CHECK(huge.size() == doctest::Approx(100).epsilon(0.5));
}

namespace {

blis::config::ScenarioSpec compact_spec_scenario(const std::string& compat) {
  blis::config::ScenarioSpec s;
  s.origin = "blis run";
  s.compat_mode = compat;
  s.model = "foo";
  s.alpha = std::vector<double>{100, 1, 50};
  s.beta = std::vector<double>{1000, 10, 5};
  s.defaults_file = std::string(BLIS_SOURCE_DIR) + "/tests/fixtures/reference/defaults.yaml";
  s.workload.kind = "spec";
  s.workload.path = std::string(BLIS_SOURCE_DIR) + "/tests/fixtures/reference/examples/inference-perf-shared-prefix.yaml";
  return s;
}

const blis::DiagnosticSink quiet = [](blis::LogLevel, const std::string&) {};

}  // namespace

TEST_CASE("inference-perf: reference mode keeps the reference's N x M clients at the average rate") {
  const auto c = blis::config::resolve(compact_spec_scenario("reference"), quiet);
  CHECK_FALSE(c.corrections.inference_perf_faithful);
  REQUIRE(c.workload == blis::config::WorkloadKind::Spec);
  const auto& w = *c.workload_spec;
  REQUIRE(w.clients.size() == 45);
  CHECK(w.aggregate_rate == 14.0);  // the file's own; the stages' average is also 14
  CHECK(w.clients[0].id == "prompt-0-user-0");
  CHECK(w.clients[0].prefix_length == 100);
  REQUIRE(w.clients[0].lifecycle.has_value());
  CHECK(w.clients[0].lifecycle->size() == 2);
  CHECK(w.category == "language");
}

TEST_CASE("inference-perf: corrected mode sends the block as the harness does") {
  std::vector<std::string> warnings;
  const blis::DiagnosticSink collect = [&](blis::LogLevel, const std::string& m) { warnings.push_back(m); };
  const auto c = blis::config::resolve(compact_spec_scenario("corrected"), collect);
  CHECK(c.corrections.inference_perf_faithful);
  REQUIRE(c.workload == blis::config::WorkloadKind::InferencePerf);
  CHECK(c.workload_spec->clients.empty());
  CHECK(warnings.empty());  // enable_multi_turn_chat is false in this file

  auto multi = compact_spec_scenario("corrected");
  auto loaded = std::make_shared<blis::workload::WorkloadSpecFile>(blis::workload::parse_workload_spec(
      "inference_perf:\n  stages: [{rate: 2, duration: 5}]\n  shared_prefix: {num_unique_system_prompts: 2, "
      "num_users_per_system_prompt: 2, system_prompt_len: 10, question_len: 20, output_len: 5, "
      "enable_multi_turn_chat: true}\n",
      "scenario"));
  multi.workload.inline_spec = loaded;
  multi.workload.path.clear();
  const auto m = blis::config::resolve(multi, collect);
  CHECK(m.workload == blis::config::WorkloadKind::InferencePerf);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("enable_multi_turn_chat is ignored") != std::string::npos);

  auto bad = multi;
  bad.workload.inline_spec = std::make_shared<blis::workload::WorkloadSpecFile>(blis::workload::parse_workload_spec(
      "inference_perf:\n  stages: [{rate: 2, duration: 5}]\n  shared_prefix: {num_unique_system_prompts: 2, "
      "num_users_per_system_prompt: 2, system_prompt_len: 10, question_len: 20, output_len: 0}\n",
      "scenario"));
  CHECK_THROWS_WITH_AS(blis::config::resolve(bad, quiet),
                       doctest::Contains("Failed to generate workload: expanding inference-perf spec: "
                                         "inference_perf.shared_prefix.output_len must be at least 1"),
                       blis::Error);
}

TEST_CASE("inference-perf stage report: requests counted in their stage's window, numpy percentiles") {
  const auto s = spec_of({{2.0, 10}, {4.0, 5}}, 1, 1, 1, 1, 1);
  CHECK(ip::stage_of(s, 999'999) == -1);  // before the timer's start
  CHECK(ip::stage_of(s, 1'000'000) == 0);
  CHECK(ip::stage_of(s, 11'000'000) == 0);
  CHECK(ip::stage_of(s, 12'000'000) == -1);  // between the stages
  CHECK(ip::stage_of(s, 13'500'000) == 1);
  CHECK(ip::linear_percentile({1, 2, 3, 4}, 50) == 2.5);
  CHECK(ip::linear_percentile({1, 2, 3, 4}, 90) == doctest::Approx(3.7));
  CHECK(ip::linear_percentile({}, 90) == 0);

  std::vector<ip::StageSample> samples;
  samples.push_back({2'000'000, true, 10'000, 500'000, 1000.0, 7, 3});
  samples.push_back({4'000'000, true, 30'000, 700'000, 1000.0, 9, 3});
  samples.push_back({14'000'000, false, 0, 0, 0, 9, 3});
  const std::string json = ip::stage_report_json(s, samples);
  CHECK(json.find("\"count\": 2,\n      \"send_duration\": 2,\n      \"requested_rate\": 2,\n      "
                  "\"achieved_rate\": 1\n") != std::string::npos);
  CHECK(json.find("\"mean\": 0.6,") != std::string::npos);  // request_latency of stage 0
  CHECK(json.find("\"prompt_len_mean\": 8,") != std::string::npos);
  CHECK(json.find("\"unfinished\": 1") != std::string::npos);  // stage 1's request never completed
}
