// Policy bundle YAML (cluster-workload-trace §C): strict parsing with file/line/key messages,
// Validate()'s order and texts, and the shipped examples.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "engine/config/policy_bundle.h"
#include "engine/core/error.h"
#include "tests/unit/scratch_dir.h"

using blis::config::load_policy_bundle;
using blis::config::PolicyBundle;
using blis::config::validate_policy_bundle;

namespace {

std::string write_bundle(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::path(blis::testing::scratch_dir()) / ("bundle_" + name + ".yaml");
  std::ofstream(path) << text;
  return path.string();
}

std::string load_error(const std::string& name, const std::string& text) {
  try {
    load_policy_bundle(write_bundle(name, text));
  } catch (const blis::Error& e) {
    return e.what();
  }
  return "";
}

std::string validate_error(const PolicyBundle& b) {
  try {
    validate_policy_bundle(b);
  } catch (const blis::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("the shipped examples load and validate") {
  const std::string dir = std::string(BLIS_SOURCE_DIR) + "/tests/fixtures/policy_bundles/";
  const PolicyBundle weighted = load_policy_bundle(dir + "weighted-routing.yaml");
  CHECK(weighted.routing_policy == "weighted");
  REQUIRE(weighted.scorers.size() == 3);
  CHECK(weighted.scorers[0].name == "prefix-affinity");
  CHECK(weighted.scorers[0].weight == 3.0);
  CHECK(weighted.scorers[2].name == "kv-utilization");
  CHECK(weighted.scheduler == "fcfs");
  CHECK_FALSE(weighted.token_bucket_capacity);
  validate_policy_bundle(weighted);
  const PolicyBundle plain = load_policy_bundle(dir + "policy-config.yaml");
  CHECK(plain.admission_policy == "always-admit");
  CHECK(plain.priority_policy == "constant");
  validate_policy_bundle(plain);
}

TEST_CASE("presence is tracked: null and empty strings mean 'not set'") {
  const PolicyBundle b = load_policy_bundle(write_bundle("presence",
      "admission:\n  policy: \"\"\n  token_bucket_capacity: null\n  token_bucket_refill_rate: 0\nscheduler:\n"));
  CHECK_FALSE(b.admission_policy);
  CHECK_FALSE(b.token_bucket_capacity);
  REQUIRE(b.token_bucket_refill_rate);
  CHECK(*b.token_bucket_refill_rate == 0.0);
  CHECK_FALSE(b.scheduler);
}

TEST_CASE("any scalar is text for a name field; Validate rejects it later") {
  const PolicyBundle b = load_policy_bundle(write_bundle("scalar_name", "admission: {policy: 123}\n"));
  CHECK(b.admission_policy == "123");
  CHECK(validate_error(b) ==
        "unknown admission policy \"123\"; valid options: always-admit, reject-all, token-bucket");
}

TEST_CASE("strict parsing names the file, the line and the key") {
  std::string e = load_error("typo", "admission:\n  policy: always-admit\nrouting:\n  polcy: weighted\n");
  CHECK(e.find("parsing policy config: ") == 0);
  CHECK(e.find("bundle_typo.yaml") != std::string::npos);
  CHECK(e.find("line 4: unknown key \"polcy\" (at routing.polcy)") != std::string::npos);
  e = load_error("type", "admission:\n  token_bucket_capacity: \"50\"\n");
  CHECK(e.find("line 2: cannot unmarshal !!str `50` into float64 (at admission.token_bucket_capacity)") !=
        std::string::npos);
  e = load_error("list", "routing:\n  scorers: queue-depth\n");
  CHECK(e.find("cannot unmarshal !!str `queue-depth` into []sim.ScorerConfig (at routing.scorers)") !=
        std::string::npos);
  e = load_error("scorer_key", "routing:\n  scorers:\n    - {name: queue-depth, wieght: 2}\n");
  CHECK(e.find("line 3: unknown key \"wieght\" (at routing.scorers[0].wieght)") != std::string::npos);
  CHECK(load_error("empty", "").find("parsing policy config: EOF") == 0);
  CHECK(load_error("syntax", "admission: [\n").find("parsing policy config: ") == 0);
  CHECK(load_error("missing_file_never_written", "x: 1\n").find("parsing policy config") == 0);
  try {
    load_policy_bundle("/nonexistent/bundle.yaml");
    FAIL("expected an error");
  } catch (const blis::Error& err) {
    CHECK(std::string(err.what()) == "reading policy config: open /nonexistent/bundle.yaml: no such file or directory");
  }
}

TEST_CASE("Validate: first failure in the reference's order, with its texts") {
  PolicyBundle b;
  b.routing_policy = "random";
  b.scheduler = "lifo";
  CHECK(validate_error(b) == "unknown routing policy \"random\"; valid options: always-busiest, least-loaded, "
                             "prefix-affinity, round-robin, weighted");
  b = PolicyBundle{};
  b.priority_policy = "urgent";
  CHECK(validate_error(b) == "unknown priority policy \"urgent\"; valid options: constant, inverted-slo, slo-based");
  b = PolicyBundle{};
  b.scheduler = "lifo";
  CHECK(validate_error(b) == "unknown scheduler \"lifo\"; valid options: fcfs, priority-fcfs, reverse-priority, sjf");
  b = PolicyBundle{};
  b.token_bucket_capacity = -1.0;
  b.token_bucket_refill_rate = std::nan("");
  CHECK(validate_error(b) == "token_bucket_capacity must be non-negative, got -1.000000");
  b.token_bucket_capacity = 0.0;  // zero passes here
  CHECK(validate_error(b) == "token_bucket_refill_rate must be a finite number, got NaN");
  b = PolicyBundle{};
  b.scorers = {{"queue-depth", 1}, {"bogus", 1}};
  CHECK(validate_error(b) == "routing scorer[1]: unknown scorer \"bogus\"; valid: kv-utilization, load-balance, "
                             "prefix-affinity, queue-depth");
  b.scorers = {{"queue-depth", 1}, {"queue-depth", 2}};
  CHECK(validate_error(b) == "routing scorer[1]: duplicate scorer \"queue-depth\"; each scorer may appear at most once");
  b.scorers = {{"queue-depth", 0}};
  CHECK(validate_error(b) == "routing scorer[0] \"queue-depth\": weight must be a finite positive number, got 0");
}
