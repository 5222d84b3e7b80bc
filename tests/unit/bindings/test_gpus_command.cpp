// `blis gpus` (bindings/gpus_command): what the golden transcripts cannot show, because they run
// with the repository's model_configs/ linked in: the message when the default catalog is absent
// from the working directory, and argument errors.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bindings/gpus_command.h"
#include "engine/core/error.h"
#include "tests/unit/in_directory.h"
#include "tests/unit/scratch_dir.h"

#ifndef BLIS_SOURCE_DIR
#error "BLIS_SOURCE_DIR must name the repository root"
#endif

namespace fs = std::filesystem;
using blis::testing::InDirectory;

namespace {

std::string command_error(const std::vector<std::string>& args) {
  try {
    blis::bindings::gpus_command(args);
  } catch (const blis::Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("blis gpus outside the project directory says where it looked and how to name the file") {
  const fs::path empty = fs::path(blis::testing::scratch_dir()) / "gpus-elsewhere";
  fs::create_directories(empty);
  const InDirectory here(empty);
  // The unit-test binary has no model_configs beside it, so every folder of the search misses
  // (engine/catalog/data_dir.h); the message lists them, the working directory's first.
  if (std::getenv("BLIS_DATA") == nullptr && std::getenv("BLIS_DATA_DIR") == nullptr) {
    const std::string error = command_error({});
    CHECK(error.rfind("cannot find the GPU catalog gpus.yaml: tried model_configs/gpus.yaml, ", 0) == 0);
    CHECK(error.find("/share/blis/model_configs/gpus.yaml (set BLIS_DATA to blis's model_configs folder)") !=
          std::string::npos);
  }
  const std::string shipped = std::string(BLIS_SOURCE_DIR) + "/model_configs/gpus.yaml";
  CHECK(blis::bindings::gpus_command({"--catalog", shipped, "h100"}).rfind("H100-SXM\n", 0) == 0);
}

TEST_CASE("blis gpus argument errors") {
  CHECK(command_error({"H100", "A100"}) == "blis gpus takes one GPU name, got 'H100' and 'A100'");
  CHECK(command_error({"--format"}) == "--format needs a value (see blis gpus --help)");
  CHECK(command_error({"--catalog="}) == "--catalog needs a file name");
  CHECK(command_error({"--verbose"}) == "unknown flag: --verbose (see blis gpus --help)");
  CHECK(blis::bindings::gpus_command({"--help"}) == blis::bindings::gpus_help());
}
