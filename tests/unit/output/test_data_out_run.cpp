// The data-out files of whole runs: their rows agree with the report (completed requests,
// rejections, output tokens, arrivals), a run's printed results do not change when they are
// written, and the same seed writes the same bytes.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "engine/metrics/run_results.h"
#include "engine/simulation.h"
#include "tests/unit/scratch_dir.h"

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Rows of a CSV without quoted fields, as maps from the header's names.
std::vector<std::map<std::string, std::string>> rows_of(const std::string& text) {
  std::vector<std::vector<std::string>> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    size_t start = 0;
    for (;;) {
      const size_t comma = line.find(',', start);
      cells.push_back(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    lines.push_back(cells);
  }
  std::vector<std::map<std::string, std::string>> rows;
  for (size_t i = 1; i < lines.size(); ++i) {
    REQUIRE(lines[i].size() == lines[0].size());
    std::map<std::string, std::string> row;
    for (size_t c = 0; c < lines[0].size(); ++c) row[lines[0][c]] = lines[i][c];
    rows.push_back(row);
  }
  return rows;
}

// 3 instances, a token bucket that rejects some of 400 requests at 60 req/s.
blis::config::ScenarioSpec spec_for(const std::string& dir) {
  blis::config::ScenarioSpec spec;
  spec.model = "foo";
  spec.alpha = std::vector<double>{100, 1, 50};
  spec.beta = std::vector<double>{1000, 10, 5};
  spec.instances = 3;
  spec.routing_policy = "least-loaded";
  spec.admission_policy = "token-bucket";
  spec.token_bucket_capacity = 20000.0;
  spec.token_bucket_refill_per_s = 20000.0;
  spec.workload.rate = 60.0;
  spec.workload.requests = 400;
  spec.collect_results = true;
  spec.export_requests_csv = dir + "/requests.csv";
  spec.export_timeseries = dir + "/timeseries.csv";
  spec.export_timeseries_interval_us = 250000;
  return spec;
}

const auto quiet = [](blis::LogLevel, const std::string&) {};

int64_t sum_of(const std::vector<std::map<std::string, std::string>>& rows, const std::string& column,
               const std::string& instance) {
  int64_t sum = 0;
  for (const auto& row : rows) {
    if (row.at("instance") == instance) sum += std::stoll(row.at(column));
  }
  return sum;
}

}  // namespace

TEST_CASE("data out: a drained run's rows agree with the report") {
  const std::string dir = blis::testing::scratch_subdir("data_out_drained");
  const auto out = blis::run_scenario(spec_for(dir), quiet);
  REQUIRE(out.file_errors.empty());
  const blis::metrics::RunResults& results = *out.results;
  const auto requests = rows_of(read_file(dir + "/requests.csv"));
  REQUIRE(requests.size() == 400);  // every request arrived
  int64_t completed = 0, rejected = 0, output_tokens = 0, input_tokens = 0;
  for (const auto& row : requests) {
    if (row.at("outcome") == "completed") {
      ++completed;
      output_tokens += std::stoll(row.at("output_tokens"));
      input_tokens += std::stoll(row.at("input_tokens"));
      // Every time happened, in order.
      const double arrival = std::stod(row.at("arrival_ms")), enqueue = std::stod(row.at("enqueue_ms"));
      const double schedule = std::stod(row.at("schedule_ms")), first = std::stod(row.at("first_token_ms"));
      const double finish = std::stod(row.at("finish_ms"));
      CHECK(arrival <= enqueue);
      CHECK(enqueue <= schedule);
      CHECK(schedule <= first);
      CHECK(first <= finish);
      CHECK(row.at("instance").rfind("instance_", 0) == 0);
    } else {
      REQUIRE(row.at("outcome") == "rejected");
      ++rejected;
      CHECK(row.at("enqueue_ms").empty());
      CHECK(row.at("finish_ms").empty());
      CHECK(row.at("instance").empty());
    }
  }
  CHECK(completed == results.cluster.completed);
  CHECK(rejected == results.rejected);
  CHECK(rejected > 0);
  CHECK(output_tokens == results.cluster.output_tokens);
  CHECK(input_tokens == results.cluster.input_tokens);

  const auto series = rows_of(read_file(dir + "/timeseries.csv"));
  CHECK(sum_of(series, "arrivals", "cluster") == 400);
  CHECK(sum_of(series, "admitted", "cluster") == results.cluster.injected);
  CHECK(sum_of(series, "rejected", "cluster") == results.rejected);
  CHECK(sum_of(series, "completed", "cluster") == results.cluster.completed);
  CHECK(sum_of(series, "output_tokens", "cluster") == results.cluster.output_tokens);
  for (size_t i = 0; i < 3; ++i) {
    const std::string id = "instance_" + std::to_string(i);
    CHECK(sum_of(series, "completed", id) == results.instances[i].completed);
  }
  // The last interval ends the run: nothing is left anywhere.
  CHECK(series.back().at("instance") == "cluster");
  CHECK(series.back().at("queue_depth") == "0");
  CHECK(series.back().at("running") == "0");
  // A uniform grid of 250 ms.
  CHECK(series.front().at("time_ms") == "250.000");
  CHECK(series.size() % 4 == 0);
}

TEST_CASE("data out: a run cut by its horizon lists where each request stood") {
  const std::string dir = blis::testing::scratch_subdir("data_out_horizon");
  blis::config::ScenarioSpec spec = spec_for(dir);
  spec.horizon_us = 3000000;
  spec.admission_latency_us = 20000;
  spec.routing_latency_us = 20000;
  spec.compat_mode = "corrected";  // horizon_in_flight: the report counts the in-flight requests
  const auto out = blis::run_scenario(spec, quiet);
  const blis::metrics::RunResults& results = *out.results;
  std::map<std::string, int64_t> outcomes;
  for (const auto& row : rows_of(read_file(dir + "/requests.csv"))) ++outcomes[row.at("outcome")];
  CHECK(outcomes["completed"] == results.cluster.completed);
  CHECK(outcomes["still_queued"] == results.cluster.still_queued);
  CHECK(outcomes["still_running"] == results.cluster.still_running);
  CHECK(outcomes["in_transit"] == results.cluster.still_in_transit);
  CHECK(outcomes["awaiting_decision"] == results.cluster.still_awaiting_decision);
  CHECK(outcomes["rejected"] == results.rejected);
  CHECK(outcomes["still_running"] + outcomes["still_queued"] > 0);
  const auto series = rows_of(read_file(dir + "/timeseries.csv"));
  int64_t arrivals = 0;
  for (const auto& [name, count] : outcomes) arrivals += count;
  CHECK(sum_of(series, "arrivals", "cluster") == arrivals);
  CHECK(series.back().at("time_ms") == "3000.000");  // the horizon is a boundary: the last interval ends there
}

TEST_CASE("data out: the printed results do not change, and the same seed writes the same bytes") {
  const std::string a = blis::testing::scratch_subdir("data_out_a");
  const std::string b = blis::testing::scratch_subdir("data_out_b");
  blis::config::ScenarioSpec plain = spec_for(a);
  plain.export_requests_csv.reset();
  plain.export_timeseries.reset();
  plain.export_timeseries_interval_us.reset();
  const auto without = blis::run_scenario(plain, quiet);
  const auto first = blis::run_scenario(spec_for(a), quiet);
  const auto second = blis::run_scenario(spec_for(b), quiet);
  CHECK(first.stdout_text == without.stdout_text);
  CHECK(second.stdout_text == without.stdout_text);
  CHECK(read_file(a + "/requests.csv") == read_file(b + "/requests.csv"));
  CHECK(read_file(a + "/timeseries.csv") == read_file(b + "/timeseries.csv"));
  CHECK(!read_file(a + "/requests.csv").empty());
}

TEST_CASE("data out: requests dropped as unservable are rows of their own") {
  const std::string dir = blis::testing::scratch_subdir("data_out_dropped");
  blis::config::ScenarioSpec spec = spec_for(dir);
  spec.admission_policy = "always-admit";
  spec.kv_blocks = 66;  // 1,056 tokens: the longer requests can never fit
  spec.compat_mode = "corrected";
  const auto out = blis::run_scenario(spec, quiet);
  const blis::metrics::RunResults& results = *out.results;
  std::map<std::string, int64_t> outcomes;
  for (const auto& row : rows_of(read_file(dir + "/requests.csv"))) {
    ++outcomes[row.at("outcome")];
    if (row.at("outcome") == "dropped_unservable") {
      CHECK(row.at("enqueue_ms").empty());
      CHECK(!row.at("instance").empty());
    }
  }
  CHECK(outcomes["dropped_unservable"] == results.cluster.dropped_unservable);
  CHECK(outcomes["dropped_unservable"] > 0);
  CHECK(outcomes["completed"] == results.cluster.completed);
  CHECK(outcomes["completed"] + outcomes["dropped_unservable"] == 400);
  CHECK(sum_of(rows_of(read_file(dir + "/timeseries.csv")), "dropped", "cluster") == results.cluster.dropped_unservable);
}
