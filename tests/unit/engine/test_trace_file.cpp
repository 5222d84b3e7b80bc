// trace.file: every admission and routing record as one JSON object per line, in decision
// order, consistent with the printed trace summary.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/core/json_value.h"
#include "engine/simulation.h"
#include "tests/unit/scratch_dir.h"

namespace {

const blis::core::JsonValue* member(const blis::core::JsonValue& v, const std::string& key) {
  for (const auto& [k, value] : v.members) {
    if (k == key) return &value;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("trace.file writes admission and routing records as JSON Lines") {
  const auto path = std::filesystem::path(blis::testing::scratch_dir()) / "trace.jsonl";
  std::filesystem::remove(path);
  blis::config::ScenarioSpec spec;
  spec.model = "foo";
  spec.alpha = std::vector<double>{100, 1, 50};
  spec.beta = std::vector<double>{1000, 10, 5};
  spec.instances = 3;
  spec.routing_policy = "weighted";
  spec.admission_policy = "token-bucket";
  spec.token_bucket_capacity = 2000.0;
  spec.token_bucket_refill_per_s = 1000.0;
  spec.workload.rate = 100.0;
  spec.workload.requests = 40;
  spec.trace_level = "decisions";
  spec.counterfactual_k = 2;
  spec.trace_file = path.string();
  const auto out = blis::run_scenario(spec, [](blis::LogLevel, const std::string&) {});

  std::ifstream in(path);
  std::string line;
  int admissions = 0, admitted = 0, routings = 0;
  blis::Tick last_clock = -1;
  while (std::getline(in, line)) {
    const blis::core::JsonValue v = blis::core::parse_json(line);
    const std::string kind = member(v, "kind")->text;
    const blis::Tick clock = static_cast<blis::Tick>(member(v, "clock_us")->number);
    CHECK(clock >= last_clock);  // decision order
    last_clock = clock;
    if (kind == "admission") {
      ++admissions;
      admitted += member(v, "admitted")->boolean ? 1 : 0;
    } else {
      REQUIRE(kind == "routing");
      ++routings;
      REQUIRE(member(v, "scores") != nullptr);
      CHECK(member(v, "scores")->members.size() == 3);
      REQUIRE(member(v, "candidates") != nullptr);
      CHECK(member(v, "candidates")->items.size() == 2);
      CHECK(member(v, "regret")->number == 0.0);  // weighted: the chosen one is the argmax
    }
  }
  CHECK(admissions == 40);
  CHECK(routings == admitted);
  CHECK(admitted > 0);
  CHECK(admitted < 40);  // the small bucket rejects some
}
