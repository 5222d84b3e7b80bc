// blis::fit::read_aggregate_table against an excerpt of the real trainval13 table and a table
// written to exercise the aliases, duplicates and conflict rows (tests/fixtures/fit/).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "engine/fit/readers/readers.h"
#include "tests/unit/error_of.h"
#include "tests/unit/fit/measurement_lookup.h"

using blis::fit::kWholeRun;
using blis::testing::error_of;
using blis::fit::testing::metric_ms;

namespace {

const std::string kFixtures = std::string(BLIS_SOURCE_DIR) + "/tests/fixtures/fit/";
const std::string kHeader = "experiment,stage_index,metric,actual_ms,conflict\n";

std::string table_error(const std::string& rows, const std::string& experiment = "a") {
  return error_of([&] { blis::fit::parse_aggregate_table(kHeader + rows, "t.csv", experiment); });
}

}  // namespace

TEST_CASE("aggregate table: the real trainval13 rows of one experiment, whole run and stages") {
  const std::string path = kFixtures + "trainval13_excerpt.csv";
  CHECK(blis::fit::aggregate_table_experiments(path) ==
        std::vector<std::string>{"17-llama-4-scout-17b-16e-tp2-general-lite-2-1", "60-llama-3-1-70b-tp4-general-lite-4-1"});
  const blis::fit::Measurement m = blis::fit::read_aggregate_table(path, "60-llama-3-1-70b-tp4-general-lite-4-1");
  CHECK(m.source == path);
  REQUIRE(m.metrics.size() == 19);  // whole run and stage 0: 7 metrics each; stage 1: 5 of them
  CHECK(m.metrics[0].stage == kWholeRun);
  CHECK(m.metrics[0].name == "e2e_mean");
  CHECK(m.metrics[0].ms == 4502.002266179405);
  CHECK(metric_ms(m, kWholeRun, "itl_mean") == 18.29253214896586);
  CHECK(metric_ms(m, 0, "e2e_mean") == 4207.895972527564);
}

TEST_CASE("aggregate table: median is p50, equal repeats count once, conflict=True rows are left out") {
  const std::string path = kFixtures + "aggregates.csv";
  const blis::fit::Measurement scout = blis::fit::read_aggregate_table(path, "17-llama-4-scout-tp2-general");
  REQUIRE(scout.metrics.size() == 5);
  CHECK(metric_ms(scout, kWholeRun, "ttft_p50") == 41.5);
  CHECK(metric_ms(scout, 0, "itl_mean") == 21.169808958767014);
  CHECK(metric_ms(scout, 1, "e2e_p99") == 6001.25958653167);
  CHECK(metric_ms(scout, kWholeRun, "tpot_p95") == 12.5);  // an empty conflict cell is False
  const blis::fit::Measurement llama = blis::fit::read_aggregate_table(path, "60-llama-3-1-70b-tp4-general");
  REQUIRE(llama.metrics.size() == 1);
  CHECK(llama.metrics[0].name == "e2e_mean");
  CHECK(llama.metrics[0].ms == 7000.5);
}

TEST_CASE("aggregate table: an unknown experiment lists the near names") {
  const std::string path = kFixtures + "aggregates.csv";
  CHECK(error_of([&] { blis::fit::read_aggregate_table(path, "17-llama-4-scout-tp2-generl"); }) ==
        path + ": no experiment 17-llama-4-scout-tp2-generl (did you mean '17-llama-4-scout-tp2-general'?); near names "
               "among its 2 experiments: 17-llama-4-scout-tp2-general, 60-llama-3-1-70b-tp4-general");
  CHECK(error_of([&] { blis::fit::read_aggregate_table(path, "60-llama"); }) ==
        path + ": no experiment 60-llama (did you mean '60-llama-3-1-70b-tp4-general'?); near names among its 2 "
               "experiments: 60-llama-3-1-70b-tp4-general, 17-llama-4-scout-tp2-general");
  CHECK(error_of([&] { blis::fit::read_aggregate_table(kFixtures + "none.csv", "x"); })
            .find("cannot read aggregate table " + kFixtures + "none.csv: no such file or directory") == 0);
}

TEST_CASE("aggregate table: bad cells name the file and line") {
  CHECK(table_error("a,-1,e2e_mean,abc,False\n") == "t.csv: line 2: actual_ms 'abc' is not a finite number of ms > 0");
  CHECK(table_error("a,-1,e2e_mean,1,False\na,-1,e2e_p90,-3,False\n") ==
        "t.csv: line 3: actual_ms '-3' is not a finite number of ms > 0");
  CHECK(table_error("a,-1,e2e_mean,nan,False\n") == "t.csv: line 2: actual_ms 'nan' is not a finite number of ms > 0");
  CHECK(table_error("a,-1,e2e_mean,inf,False\n") == "t.csv: line 2: actual_ms 'inf' is not a finite number of ms > 0");
  CHECK(table_error("a,-1,e2e_mean,0,False\n") == "t.csv: line 2: actual_ms '0' is not a finite number of ms > 0");
  CHECK(table_error("a,-1,ttft_p9O,5,False\n") ==
        "t.csv: line 2: unknown metric 'ttft_p9O' (did you mean 'ttft_p90'?): expected "
        "<e2e|ttft|itl|tpot>_<mean|p50|median|p90|p95|p99>");
  CHECK(table_error("a,-2,e2e_mean,5,False\n") ==
        "t.csv: line 2: stage_index '-2' is not -1 (the whole run) or a stage number 0..1000000");
  CHECK(table_error("a,-1,e2e_mean,5,maybe\n") == "t.csv: line 2: conflict 'maybe' is neither True nor False");
  CHECK(table_error(",-1,e2e_mean,5,False\n") == "t.csv: line 2: the experiment is empty");
  CHECK(table_error("a,-1,e2e_mean,5\n") == "t.csv: line 2: 4 fields, the header has 5");
  CHECK(table_error("a,-1,e2e_mean,5,\"False\n") == "t.csv: parse error on line 2, column 23: extraneous or missing \" in quoted-field");
  CHECK(table_error("a,-1,e2e_mean,5,False\na,0,e2e_mean,6,False\na,-1,e2e_mean,5.5,False\n") ==
        "t.csv: lines 2 and 4 give e2e_mean of stage -1 of a differently (5 and 5.5 ms); mark the one that is not a "
        "measurement with conflict=True");
  CHECK(table_error("a,-1,e2e_mean,5,True\n") ==
        "t.csv: every row of experiment a (1) is marked conflict=True: nothing to fit against");
  CHECK(table_error("") == "t.csv: no experiment a: the table has no rows");
}

TEST_CASE("aggregate table: header problems") {
  CHECK(error_of([] { blis::fit::parse_aggregate_table("", "t.csv", "a"); }) ==
        "t.csv: empty table (expected a header row naming experiment, stage_index, metric and actual_ms)");
  CHECK(error_of([] { blis::fit::parse_aggregate_table("experiment,stage_index,metric\na,-1,e2e_mean\n", "t.csv", "a"); }) ==
        "t.csv: line 1: no column actual_ms (the header needs experiment, stage_index, metric and actual_ms; it has "
        "experiment,stage_index,metric)");
  CHECK(error_of([] { blis::fit::parse_aggregate_table("experiment,metric,metric,stage_index,actual_ms\n", "t.csv", "a"); }) ==
        "t.csv: line 1: column metric appears twice");
  // without a conflict column every row counts
  const blis::fit::Measurement m =
      blis::fit::parse_aggregate_table("stage_index,metric,actual_ms,experiment\n2,tpot_median,7.25,a\n", "t.csv", "a");
  REQUIRE(m.metrics.size() == 1);
  CHECK(metric_ms(m, 2, "tpot_p50") == 7.25);
}
