// The human and JSON reports (engine/report/): number forms, table layout, and — over many
// generated runs — that every format prints the same figures as the reference's block.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "engine/config/scenario_spec.h"
#include "engine/core/json_value.h"
#include "engine/report/text_table.h"
#include "engine/simulation.h"

namespace {

using blis::report::TextTable;

std::string run_as(const std::string& format, int instances, double rate, int64_t requests, int64_t seed,
                   int64_t kv_blocks) {
  blis::config::ScenarioSpec spec;
  spec.format = format;
  spec.model = "foo";
  spec.alpha = std::vector<double>{100, 1, 50};
  spec.beta = std::vector<double>{1000, 10, 5};
  spec.instances = instances;
  spec.seed = seed;
  spec.kv_blocks = kv_blocks;
  spec.workload.rate = rate;
  spec.workload.requests = requests;
  return blis::run_scenario(spec, [](blis::LogLevel, const std::string&) {}).stdout_text;
}

using blis::core::JsonValue;

// A member of a JSON object by key (the reader keeps members in order; keys here are unique).
const JsonValue& at(const JsonValue& v, const std::string& key) {
  for (const JsonValue::Member& m : v.members) {
    if (m.first == key) return m.second;
  }
  FAIL("no key " << key);
  return v;
}
double number_at(const JsonValue& v, const std::string& a, const std::string& b) { return at(at(v, a), b).number; }

// The number after `"key": ` in the reference's cluster block (the last block printed).
double reference_figure(const std::string& text, const std::string& key) {
  const size_t at = text.rfind("\"" + key + "\": ");
  REQUIRE(at != std::string::npos);
  return std::stod(text.substr(at + key.size() + 4));
}

}  // namespace

TEST_CASE("report numbers: grouped thousands, fixed decimals, percentages, no locale") {
  CHECK(blis::report::grouped(0) == "0");
  CHECK(blis::report::grouped(999) == "999");
  CHECK(blis::report::grouped(1000) == "1,000");
  CHECK(blis::report::grouped(-1234567) == "-1,234,567");
  CHECK(blis::report::fixed(4238.015200000002, 2) == "4,238.02");
  CHECK(blis::report::fixed(0.005, 2) == "0.01");  // correctly rounded: 0.005 is above 0.005 in binary
  CHECK(blis::report::fixed(123456.0, 0) == "123,456");
  CHECK(blis::report::percent(0.4521) == "45.2%");
  CHECK(blis::report::percent(1.0) == "100.0%");
}

TEST_CASE("text table: first column left, numbers right, two spaces apart, no trailing blanks") {
  TextTable t({"Latency (ms)", "mean", "p99"});
  t.add_row({"TTFT", "1.50", "12.25"});
  t.add_row({"E2E", "1,001.00", "2.00"});
  CHECK(t.render(0) ==
        "Latency (ms)      mean    p99\n"
        "TTFT              1.50  12.25\n"
        "E2E           1,001.00   2.00\n");
  TextTable words({"model", "foo"}, TextTable::Align::AllLeft);
  words.add_row({"workload", "a b"});
  CHECK(words.render(2) == "  model     foo\n  workload  a b\n");
}

TEST_CASE("reports: JSON and human print the reference block's figures, over many runs") {
  int runs = 0;
  for (int instances : {1, 3}) {
    for (double rate : {5.0, 40.0, 400.0}) {
      for (int64_t kv_blocks : {60, 100000}) {  // 60 blocks: preemptions
        const int64_t seed = 11 + runs;
        const std::string reference = run_as("reference", instances, rate, 60, seed, kv_blocks);
        const std::string json_text = run_as("json", instances, rate, 60, seed, kv_blocks);
        const std::string human = run_as("human", instances, rate, 60, seed, kv_blocks);
        CAPTURE(instances);
        CAPTURE(rate);
        CAPTURE(kv_blocks);
        const JsonValue doc = blis::core::parse_json(json_text);
        const JsonValue& cluster = at(doc, "cluster");
        CHECK(at(doc, "schema").text == "blis-report/1");
        CHECK(number_at(doc, "config", "instances") == instances);
        CHECK(at(doc, "instances").items.size() == static_cast<size_t>(instances));
        const double completed = reference_figure(reference, "completed_requests");
        CHECK(number_at(cluster, "requests", "completed") == completed);
        CHECK(number_at(cluster, "kv", "preemptions") == reference_figure(reference, "preemption_count"));
        // ms rounded to the microsecond in JSON (half a µs off at most); the reference prints every digit.
        for (const std::string p : {"mean", "p90", "p95", "p99"}) {
          CAPTURE(p);
          CHECK(std::abs(number_at(cluster, "ttft_ms", p) - reference_figure(reference, "ttft_" + p + "_ms")) <= 0.00051);
          CHECK(std::abs(number_at(cluster, "e2e_ms", p) - reference_figure(reference, "e2e_" + p + "_ms")) <= 0.00051);
        }
        // Output tokens per second is the reference's tokens_per_sec; total adds the input.
        CHECK(std::abs(number_at(cluster, "throughput", "output_tokens_per_s") -
                       reference_figure(reference, "tokens_per_sec")) <= 0.00051);
        CHECK(human.find(blis::report::grouped(static_cast<int64_t>(completed)) + " completed") != std::string::npos);
        CHECK((instances > 1) == (human.find("Per instance") != std::string::npos));
        // The KV peak never exceeds the cache, and a run that preempted filled it.
        const double peak = number_at(cluster, "kv", "peak_blocks");
        CHECK(peak <= number_at(cluster, "kv", "total_blocks"));
        if (number_at(cluster, "kv", "preemptions") > 0) CHECK(peak > 0.5 * static_cast<double>(kv_blocks));
        ++runs;
      }
    }
  }
  CHECK(runs == 12);
}
