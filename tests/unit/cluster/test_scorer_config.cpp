// --routing-scorers text (cluster-workload-trace §B.7).
#include <doctest/doctest.h>

#include "engine/cluster/scorer_config.h"
#include "engine/core/error.h"

using blis::cluster::parse_scorer_config;

namespace {

std::string error_of(std::string_view text) {
  try {
    parse_scorer_config(text);
  } catch (const blis::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("scorer config: order kept, parts and names trimmed, Go float syntax") {
  const auto list = parse_scorer_config(" queue-depth : 2 ,load-balance:1e0,prefix-affinity:0x1p-1");
  REQUIRE(list.size() == 3);
  CHECK(list[0].name == "queue-depth");
  CHECK(list[0].weight == 2.0);
  CHECK(list[1].name == "load-balance");
  CHECK(list[2].weight == 0.5);
  CHECK(parse_scorer_config("").empty());
}

TEST_CASE("scorer config errors carry the reference's texts") {
  CHECK(error_of("queue-depth:1,") == "invalid scorer config \"\" (expected name:weight)");
  CHECK(error_of("queue-depth") == "invalid scorer config \"queue-depth\" (expected name:weight)");
  CHECK(error_of("queue-depth:1,bogus:2") ==
        "unknown scorer \"bogus\"; valid: kv-utilization, load-balance, prefix-affinity, queue-depth");
  CHECK(error_of("queue-depth:1,queue-depth:2") ==
        "duplicate scorer \"queue-depth\"; each scorer may appear at most once");
  CHECK(error_of("queue-depth:abc") ==
        "invalid weight for scorer \"queue-depth\": strconv.ParseFloat: parsing \"abc\": invalid syntax");
  CHECK(error_of("queue-depth:0") == "scorer \"queue-depth\" weight must be a finite positive number, got 0");
  CHECK(error_of("queue-depth:-2") == "scorer \"queue-depth\" weight must be a finite positive number, got -2");
  CHECK(error_of("queue-depth:NaN") == "scorer \"queue-depth\" weight must be a finite positive number, got NaN");
  CHECK(error_of("queue-depth:inf") == "scorer \"queue-depth\" weight must be a finite positive number, got +Inf");
  CHECK(error_of("queue-depth:1e999") ==
        "invalid weight for scorer \"queue-depth\": strconv.ParseFloat: parsing \"1e999\": value out of range");
}
