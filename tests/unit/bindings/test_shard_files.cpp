// `blis merge` shard files (read_shards): numbers that are not whole numbers in range are refused
// with a message instead of being cast (undefined behaviour found by tests/fuzz/shard_file).
#include <doctest/doctest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "bindings/experiment_runner.h"
#include "engine/core/error.h"
#include "tests/unit/scratch_dir.h"

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
         ", \"fingerprint\": \"f\", \"script_hash\": \"0123456789abcdef\", \"results\": [{\"point\": " + point + ", \"metrics\": [], \"warnings\": []}]}";
}

std::string merge_error(const std::string& text) {
  const std::string dir = blis::testing::scratch_subdir("shard_files");
  const std::string path = dir + "/shard.json";
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

TEST_CASE("a well-formed shard file passes every check up to reading the script it names") {
  CHECK(merge_error(shard_text("", "")) ==
        "cannot read the script it names, x.lua (a readable regular file of at most 64 MiB)");
}

TEST_CASE("a shard naming a device as its script is refused without reading it") {
  std::string text = shard_text("", "");
  text.replace(text.find("x.lua"), 5, "/dev/zero");
  CHECK(merge_error(text) == "cannot read the script it names, /dev/zero (a readable regular file of at most 64 MiB)");
}

TEST_CASE("shard file numbers must be whole numbers in range") {
  const std::string tail = " (a shard file written by blis --shard I/N)";
  CHECK(merge_error(shard_text("shards", "0")) == "\"shards\" must be a whole number from 1 to 1000000, got 0" + tail);
  CHECK(merge_error(shard_text("shards", "1e30")) ==
        "\"shards\" must be a whole number from 1 to 1000000, got 1e30" + tail);
  CHECK(merge_error(shard_text("run", "1.5")) == "\"run\" must be a whole number from 1 to 1000000, got 1.5" + tail);
  CHECK(merge_error(shard_text("shard", "1")) == "\"shard\" must be a whole number from 0 to 0, got 1" + tail);
  CHECK(merge_error(shard_text("shard", "\"0\"")) == "\"shard\" must be a whole number" + tail);
  CHECK(merge_error(shard_text("points", "1e15")) ==
        "\"points\" must be a whole number from 1 to 1000000, got 1e15" + tail);
  CHECK(merge_error(shard_text("point", "-1e300")) ==
        "\"results[0].point\" must be a whole number from 0 to 1, got -1e300" + tail);
  CHECK(merge_error(shard_text("point", "7")) == "\"results[0].point\" must be a whole number from 0 to 1, got 7" + tail);
}

TEST_CASE("a shard file without the script's fingerprint is refused before anything runs") {
  std::string text = shard_text("", "");
  const std::string hash = ", \"script_hash\": \"0123456789abcdef\"";
  text.erase(text.find(hash), hash.size());
  CHECK(merge_error(text).rfind("\"script_hash\" is missing", 0) == 0);
}
