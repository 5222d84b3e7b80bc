// `blis merge` shard files (read_shards): numbers that are not whole numbers in range are refused
// with a message instead of being cast (undefined behaviour found by tests/fuzz/shard_file).
#include <doctest/doctest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "bindings/experiment_runner.h"
#include "engine/core/error.h"

namespace {

// One shard file of a two-point, one-shard sweep, with `field` replaced by `value`.
std::string shard_text(const std::string& field, const std::string& value) {
  std::string run = "1", shard = "0", shards = "1", points = "2", point = "0";
  if (field == "run") run = value;
  if (field == "shard") shard = value;
  if (field == "shards") shards = value;
  if (field == "points") points = value;
  if (field == "point") point = value;
  return "{\"blis_experiment_shard\": 1, \"script\": \"x.lua\", \"params\": [], \"run\": " + run +
         ", \"shard\": " + shard + ", \"shards\": " + shards + ", \"points\": " + points +
         ", \"fingerprint\": \"f\", \"results\": [{\"point\": " + point + ", \"metrics\": [], \"warnings\": []}]}";
}

std::string merge_error(const std::string& text) {
  char dir_template[] = "/tmp/blis_shard_test_XXXXXX";
  const char* dir = mkdtemp(dir_template);
  REQUIRE(dir != nullptr);
  const std::string path = std::string(dir) + "/shard.json";
  std::ofstream(path) << text;
  std::string message;
  try {
    blis::bindings::read_shards({path});
  } catch (const blis::Error& e) {
    message = e.what();
  }
  std::filesystem::remove_all(dir);
  return message.empty() ? message : message.substr(message.find(": ") + 2);
}

}  // namespace

TEST_CASE("a well-formed shard file merges") { CHECK(merge_error(shard_text("", "")) == ""); }

TEST_CASE("shard file numbers must be whole numbers in range") {
  CHECK(merge_error(shard_text("shards", "0")) ==
        "not a shard file (\"shards\" must be a whole number in [1, 2147483647])");
  CHECK(merge_error(shard_text("shards", "1e30")) ==
        "not a shard file (\"shards\" must be a whole number in [1, 2147483647])");
  CHECK(merge_error(shard_text("run", "1.5")) == "not a shard file (\"run\" must be a whole number in [1, 2147483647])");
  CHECK(merge_error(shard_text("shard", "1")) == "not a shard file (\"shard\" must be a whole number in [0, 0])");
  CHECK(merge_error(shard_text("shard", "\"0\"")) == "not a shard file (\"shard\" must be a whole number in [0, 0])");
  CHECK(merge_error(shard_text("points", "1e15")) ==
        "not a shard file (\"points\" must be a whole number in [0, 1000000])");
  CHECK(merge_error(shard_text("point", "-1e300")) ==
        "not a shard file (\"point\" must be a whole number in [-2147483647, 2147483647])");
  CHECK(merge_error(shard_text("point", "7")) == "point 7 does not belong to shard 0/1");
}
