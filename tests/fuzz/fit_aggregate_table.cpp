// Aggregate tables of real latencies as `blis fit` reads them (engine/fit/readers,
// aggregate_table.cpp): the first line names the experiment to select, the rest is the CSV
// table. The experiment list is read too, and its first experiment selected. Every metric
// read must be a finite, positive number of ms with a canonical name, once per stage.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/core/error.h"
#include "engine/fit/readers/reader_support.h"
#include "engine/fit/readers/readers.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

void check(const blis::fit::Measurement& m) {
  std::set<std::pair<int, std::string>> seen;
  for (const blis::fit::ObservedMetric& metric : m.metrics) {
    if (!std::isfinite(metric.ms) || metric.ms <= 0 || metric.stage < blis::fit::kWholeRun ||
        blis::fit::readers::canonical_metric_name(metric.name) != metric.name ||
        !seen.emplace(metric.stage, metric.name).second) {
      __builtin_trap();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto parts =
      blis::fuzz::split_input(std::string_view(reinterpret_cast<const char*>(data), size), "\n", 2);
  const std::string experiment(parts[0]);
  const std::string_view table = parts.size() > 1 ? parts[1] : std::string_view();
  std::vector<std::string> names;
  try {
    names = blis::fit::parse_aggregate_table_experiments(table, "fuzz.csv");
  } catch (const blis::Error&) {
  }
  try {
    check(blis::fit::parse_aggregate_table(table, "fuzz.csv", experiment));
  } catch (const blis::Error&) {
  }
  if (names.empty()) return 0;
  try {
    check(blis::fit::parse_aggregate_table(table, "fuzz.csv", names.front()));
  } catch (const blis::Error&) {
  }
  return 0;
}
