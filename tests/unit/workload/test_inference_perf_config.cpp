// inference-perf's own config files (engine/workload/inference_perf/config_file.h): the reader's
// every error class, its defaults, the Poisson timer, and a real resolved config
// (tests/fixtures/inference_perf_config/README.md) sending the real per-stage request counts.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "engine/core/error.h"
#include "engine/core/json_value.h"
#include "engine/workload/inference_perf/config_file.h"
#include "engine/workload/inference_perf/harness_source.h"
#include "engine/workload/inference_perf/poisson_timer.h"
#include "engine/workload/inference_perf/stage_report.h"

namespace ip = blis::workload::inference_perf;

namespace {

const std::string kDir = std::string(BLIS_SOURCE_DIR) + "/tests/fixtures/inference_perf_config/";

const std::string kGood =
    "load:\n  type: constant\n  stages: [{rate: 2, duration: 5}, {rate: 4.0, duration: 3.0}]\n"
    "data:\n  type: shared_prefix\n  shared_prefix: {num_groups: 2, num_prompts_per_group: 3, system_prompt_len: 10,\n"
    "                  question_len: 5, output_len: 7}\n";

std::string error_of(const std::string& text) {
  try {
    ip::parse_config_file(text, "c.yaml");
  } catch (const blis::Error& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::vector<blis::Tick> arrivals(const blis::workload::InferencePerfSpec& spec) {
  ip::HarnessSource source(spec, 7, INT64_MAX, 0);
  std::vector<blis::Tick> out;
  blis::workload::GeneratedRequest r;
  while (source.next(r)) out.push_back(r.arrival);
  return out;
}

}  // namespace

TEST_CASE("inference-perf config: a good file becomes the faithful block, config.py defaults filling gaps") {
  const auto spec = ip::parse_config_file(kGood, "c.yaml");
  REQUIRE(spec.inference_perf);
  const auto& block = *spec.inference_perf;
  REQUIRE(block.stages.size() == 2);
  CHECK(block.stages[1].rate == 4.0);
  CHECK(block.stages[1].duration == 3);
  CHECK(block.shared_prefix->num_unique_system_prompts == 2);
  CHECK(block.shared_prefix->num_users_per_system_prompt == 3);
  CHECK(block.shared_prefix->output_len == 7);
  CHECK(block.interval_us == 1'000'000);
  CHECK_FALSE(block.poisson);
  CHECK(spec.clients.empty());

  const auto defaults = ip::parse_config_file("load: {stages: [{rate: 1, duration: 1}]}\n"
                                              "data: {type: shared_prefix, shared_prefix: {}}\n", "d.yaml");
  const auto& sp = *defaults.inference_perf->shared_prefix;
  CHECK(sp.num_unique_system_prompts == 10);
  CHECK(sp.num_users_per_system_prompt == 10);
  CHECK(sp.system_prompt_len == 100);
  CHECK(sp.question_len == 50);
  CHECK(sp.output_len == 50);
}

TEST_CASE("inference-perf config: keys that do not change what is sent are accepted and ignored") {
  const std::string text = kGood +
                           "api: {type: completion, streaming: true, headers: {x: y}}\n"
                           "server: {type: vllm, model_name: m, base_url: 'http://h:8000', ignore_eos: true, api_key: null}\n"
                           "tokenizer: {pretrained_model_name_or_path: m, anything: 1}\n"
                           "report: {request_lifecycle: {summary: true}}\nstorage: {local_storage: {path: x}}\n"
                           "metrics: null\ncircuit_breakers: null\n";
  CHECK(error_of(text).empty());
  CHECK(error_of(kGood + "load2: 1\n") != "");
}

TEST_CASE("inference-perf config: every error class names the file, line and key") {
  // Unknown keys, with did-you-mean and the later releases' names explained.
  CHECK(error_of(kGood + "laod: {}\n") ==
        "reading inference-perf config c.yaml: line 8: unknown key \"laod\" (at laod) (did you mean 'load'?)");
  CHECK(contains(error_of("load: {stages: [{rate: 1, duration: 1}]}\n"
                          "data: {type: shared_prefix, shared_prefix: {num_unique_system_prompts: 9}}\n"),
                 "unknown key \"num_unique_system_prompts\" (at data.shared_prefix.num_unique_system_prompts): "
                 "inference-perf b81afa4 (the release blis follows) calls it num_groups"));
  CHECK(contains(error_of("inference_perf: {}\n"), "run such a file with --workload-spec"));
  // Unsupported choices.
  CHECK(contains(error_of("load: {stages: [{rate: 1, duration: 1}]}\ndata: {type: random}\n"),
                 "line 2: data.type: \"random\" is not supported by blis; supported: shared_prefix"));
  CHECK(contains(error_of("load: {stages: [{rate: 1, duration: 1}]}\ndata: {type: shared_prefx}\n"),
                 "(did you mean 'shared_prefix'?)"));
  CHECK(contains(error_of(kGood + "api: {type: chat}\n"), "api.type: chat is not supported with shared_prefix"));
  CHECK(contains(error_of(kGood + "server: {base_url: x, ignore_eos: false}\n"), "server.ignore_eos: false is not supported"));
  CHECK(contains(error_of("load: {sweep: {type: linear}}\n"), "load.sweep: a sweep"));
  CHECK(contains(error_of("load: {type: steady, stages: [{rate: 1, duration: 1}]}\n"), "load.type must be constant or poisson"));
  // Values.
  CHECK(contains(error_of("load: {stages: [{rate: 0, duration: 1}]}\n"), "load.stages[0].rate must be a finite number > 0"));
  CHECK(contains(error_of("load: {stages: [{rate: 1, duration: 1.5}]}\n"), "load.stages[0].duration must be a whole number"));
  CHECK(contains(error_of("load: {stages: [{rate: 1}]}\n"), "load.stages[0] needs both rate and duration"));
  CHECK(contains(error_of("load: {interval: -1, stages: [{rate: 1, duration: 1}]}\n"), "load.interval must be between 0"));
  CHECK(contains(error_of("load: {stages: [{rate: 1, duration: 1}]}\ndata: {type: shared_prefix, shared_prefix: {output_len: 0}}\n"),
                 "data.shared_prefix.output_len must be between 1"));
  CHECK(contains(error_of("load: {stages: [{rate: 1, duration: 1}]}\ndata: {type: shared_prefix, shared_prefix: "
                          "{system_prompt_len: 0, question_len: 0}}\n"),
                 "system_prompt_len + question_len must be at least 1"));
  CHECK(contains(error_of("load: {stages: [{rate: 1, duration: 1}]}\ndata: {type: shared_prefix, shared_prefix: "
                          "{num_groups: 1000, num_prompts_per_group: 1000}}\n"),
                 "1e+06 prompts; at most 100000"));
  CHECK(contains(error_of("load: {stages: x}\n"), "load.stages must be a list"));
  CHECK(contains(error_of("load: []\n"), "cannot unmarshal !!seq into a mapping (at load)"));
  // What is missing.
  CHECK(contains(error_of("data: {type: shared_prefix}\n"), "load.stages: at least one stage is required"));
  CHECK(contains(error_of("load: {stages: [{rate: 1, duration: 1}]}\n"), "data: missing"));
  CHECK(contains(error_of("load: {stages: [{rate: 1, duration: 1}]}\ndata: {type: shared_prefix}\n"),
                 "data.shared_prefix is required"));
  CHECK(contains(error_of(""), "the file is empty"));
  CHECK(contains(error_of("load: [\n"), "reading inference-perf config c.yaml: line"));
  // The key's own line even when its value is empty; one message per problem, not a cascade.
  CHECK(contains(error_of("load:\n  foo:\n  stages: [{rate: 1, duration: 1}]\n"), "line 2: unknown key \"foo\" (at load.foo)"));
  CHECK(error_of("load: {stages: [{rate: '5', duration: '600'}]}\ndata: {type: shared_prefix, shared_prefix: {}}\n") ==
        "reading inference-perf config c.yaml:\n  line 1: cannot unmarshal !!str `5` into float64 (at load.stages[0].rate)\n"
        "  line 1: load.stages[0].duration must be a whole number (600 or 600.0), got the string \"600\"");
  // Several problems: all listed.
  CHECK(contains(error_of("load: {stages: [{rate: 0, duration: 0}]}\n"), "\n  line 1:"));
  CHECK_THROWS_WITH_AS(ip::load_config_file("/nonexistent/x.yaml"),
                       doctest::Contains("reading inference-perf config: open /nonexistent/x.yaml"), blis::Error);
}

TEST_CASE("inference-perf config: load.interval spaces the stages; 0 starts the next at once") {
  auto spec = *ip::parse_config_file(kGood + "", "c.yaml").inference_perf;
  const auto one_second = arrivals(spec);
  REQUIRE(one_second.size() == 10 + 12);
  CHECK(one_second[9] == 1'000'000 + 5'000'000);   // stage 0 ends with its duration
  CHECK(one_second[10] > 1'000'000 + 5'000'000 + 2'000'000);  // 1 s interval + 1 s lead-in
  spec = *ip::parse_config_file("load: {interval: 0, stages: [{rate: 2, duration: 5}, {rate: 4, duration: 3}]}\n"
                                "data: {type: shared_prefix, shared_prefix: {}}\n", "c.yaml").inference_perf;
  CHECK(spec.interval_us == 0);
  CHECK(ip::stage_start_us(spec, 1) == 1'000'000 + 5'000'000 + 1'000'000);
  const auto none = arrivals(spec);
  CHECK(none[10] >= ip::stage_start_us(spec, 1));
  CHECK(none[10] <= ip::stage_start_us(spec, 1) + 3'000'000);
}

TEST_CASE("inference-perf config: the Poisson timer sends the exact count, second by second") {
  // load_timer.py PoissonLoadTimer: each second with c > 0 requests ends with a send on its
  // boundary (the constant timer rescaled to one second); the count is int(rate x duration).
  ip::PoissonStageTimer timer(1'000'000, 50.0, 5000, 3);
  std::vector<blis::Tick> sent;
  blis::Tick t = 0;
  while (timer.next(t)) sent.push_back(t);
  REQUIRE(sent.size() == 5000);
  CHECK(std::is_sorted(sent.begin(), sent.end()));
  std::map<blis::Tick, int64_t> per_second;
  int64_t on_boundary = 0;
  for (const blis::Tick s : sent) {
    ++per_second[(s - 1'000'000 - 1) / 1'000'000];
    if ((s - 1'000'000) % 1'000'000 == 0) ++on_boundary;
  }
  // About duration = 100 seconds at 50/s; per-second counts vary as a Poisson's (variance ~ 50).
  CHECK(per_second.size() >= 90);
  CHECK(per_second.size() <= 110);
  double mean = 0, var = 0;
  std::vector<int64_t> full;
  for (const auto& [second, n] : per_second) full.push_back(n);
  full.pop_back();  // the last second is cut at the count
  for (const int64_t n : full) mean += static_cast<double>(n);
  mean /= static_cast<double>(full.size());
  for (const int64_t n : full) var += (static_cast<double>(n) - mean) * (static_cast<double>(n) - mean);
  var /= static_cast<double>(full.size() - 1);
  CHECK(mean == doctest::Approx(50).epsilon(0.1));
  CHECK(var > 25);
  CHECK(var < 100);
  CHECK(on_boundary >= static_cast<int64_t>(full.size()));  // every completed second ends on its boundary
  // A rate far above: one O(1) draw per second (numpy's PTRS), not one per arrival.
  ip::PoissonStageTimer fast(0, 1e12, 3, 9);
  blis::Tick f = 0;
  for (int i = 0; i < 3; ++i) {
    REQUIRE(fast.next(f));
    CHECK(f <= 1'000'000);
  }
  CHECK_FALSE(fast.next(f));
  // Below 10/s the counts come from the process: at 2/s, ~13.5% of seconds are empty.
  ip::PoissonStageTimer low(0, 2.0, 4000, 11);
  std::map<blis::Tick, int64_t> low_seconds;
  while (low.next(f)) ++low_seconds[(f - 1) / 1'000'000];
  const double span = static_cast<double>(low_seconds.rbegin()->first + 1);
  CHECK(4000.0 / span == doctest::Approx(2.0).epsilon(0.1));
  CHECK(1.0 - static_cast<double>(low_seconds.size()) / span == doctest::Approx(0.135).epsilon(0.25));
  // A rate far below one per second: empty seconds are skipped, not walked.
  ip::PoissonStageTimer slow(0, 1e-6, 2, 5);
  blis::Tick a = 0, b = 0;
  REQUIRE(slow.next(a));
  REQUIRE(slow.next(b));
  CHECK(b > a);
  CHECK_FALSE(slow.next(a));
}

TEST_CASE("inference-perf config: a Poisson run starts each stage after the previous one's last send") {
  auto spec = *ip::parse_config_file("load: {type: poisson, stages: [{rate: 20, duration: 10}, {rate: 5, duration: 4}]}\n"
                                     "data: {type: shared_prefix, shared_prefix: {}}\n", "c.yaml").inference_perf;
  REQUIRE(spec.poisson);
  const auto sent = arrivals(spec);
  REQUIRE(sent.size() == 200 + 20);
  CHECK(std::is_sorted(sent.begin(), sent.end()));
  CHECK(sent[200] > sent[199] + 2'000'000);  // interval + lead-in after stage 0's last send
  // The report counts stages by rank: exactly the per-stage counts.
  std::vector<ip::StageSample> samples;
  for (const blis::Tick t : sent) samples.push_back({t, true, 1000, 2000, 10.0, 150, 50});
  const std::string report = ip::stage_report_json(spec, samples);
  CHECK(contains(report, "\"count\": 200,"));
  CHECK(contains(report, "\"count\": 20,"));
}

TEST_CASE("inference-perf config: a real resolved config sends the real per-stage request counts") {
  const auto spec = ip::load_config_file(kDir + "codegen_config.yaml");
  const auto& block = *spec.inference_perf;
  CHECK(block.shared_prefix->num_unique_system_prompts == 10);
  CHECK(block.shared_prefix->system_prompt_len + block.shared_prefix->question_len == 566);
  ip::HarnessSource source(block, 42, INT64_MAX, 0);
  std::vector<int64_t> sent(block.stages.size(), 0);
  blis::workload::GeneratedRequest r;
  while (source.next(r)) {
    ++sent[source.stage()];
    CHECK(static_cast<int64_t>(r.output.size()) == 247);
  }
  for (size_t k = 0; k < sent.size(); ++k) {
    std::ifstream in(kDir + "stage_" + std::to_string(k) + "_lifecycle_metrics.json");
    std::stringstream text;
    text << in.rdbuf();
    const blis::core::JsonValue real = blis::core::parse_json(text.str());
    int64_t real_count = -1;
    for (const auto& [key, value] : real.members) {
      if (key != "load_summary") continue;
      for (const auto& [k2, v2] : value.members) {
        if (k2 == "count") real_count = static_cast<int64_t>(v2.number);
      }
    }
    CHECK(sent[k] == real_count);
  }
  CHECK(sent[0] == 3000);
  CHECK(sent[1] == 6000);
}
