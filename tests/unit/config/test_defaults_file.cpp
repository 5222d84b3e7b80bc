// Which defaults.yaml a run reads when the scenario names none (engine/config/defaults_file.h):
// ./defaults.yaml first (the reference's rule), then the data folder's; a named file as named.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "engine/config/defaults_file.h"
#include "engine/config/defaults_registry.h"
#include "engine/core/error.h"
#include "tests/unit/data_dir_env.h"
#include "tests/unit/in_directory.h"
#include "tests/unit/scratch_dir.h"

#ifndef BLIS_SOURCE_DIR
#error "BLIS_SOURCE_DIR must name the repository root"
#endif

namespace fs = std::filesystem;
using blis::config::find_defaults_file;
using blis::testing::DataDirEnv;
using blis::testing::InDirectory;

namespace {

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::path(blis::testing::scratch_dir()) / name;
  fs::create_directories(dir);
  return dir;
}

}  // namespace

TEST_CASE("defaults file: a named file is read as named, even when it does not exist") {
  const DataDirEnv env(std::nullopt);
  const InDirectory here(fresh_dir("defaults-named"));
  const auto named = find_defaults_file(std::string("my/defaults.yaml"));
  CHECK(named.path == "my/defaults.yaml");
  CHECK(named.missing_note.empty());
  CHECK_THROWS_WITH_AS(blis::config::DefaultsRegistry::load(named.path, named.missing_note),
                       "failed to read defaults file \"my/defaults.yaml\"", blis::Error);
}

TEST_CASE("defaults file: the working directory's defaults.yaml comes first") {
  const std::string shipped = std::string(BLIS_SOURCE_DIR) + "/model_configs";
  const DataDirEnv env(shipped);  // a data folder with a defaults.yaml: still second
  const fs::path dir = fresh_dir("defaults-cwd");
  std::ofstream(dir / "defaults.yaml") << "version: x\n";
  const InDirectory here(dir);
  const auto found = find_defaults_file(std::nullopt);
  CHECK(found.path == "defaults.yaml");
  CHECK(found.missing_note.empty());
}

TEST_CASE("defaults file: without one in the working directory, the data folder's") {
  SUBCASE("the working directory's model_configs (the repo root)") {
    const DataDirEnv env(std::nullopt);
    const InDirectory here(BLIS_SOURCE_DIR);
    REQUIRE_FALSE(fs::exists("defaults.yaml"));
    CHECK(find_defaults_file(std::nullopt).path == "model_configs/defaults.yaml");
  }
  SUBCASE("$BLIS_DATA, from anywhere") {
    const std::string shipped = std::string(BLIS_SOURCE_DIR) + "/model_configs";
    const DataDirEnv env(shipped);
    const InDirectory here(fresh_dir("defaults-env"));
    CHECK(find_defaults_file(std::nullopt).path == shipped + "/defaults.yaml");
  }
}

TEST_CASE("defaults file: none anywhere reads ./defaults.yaml and says where blis looked") {
  const fs::path empty = fresh_dir("defaults-none");
  const DataDirEnv env(empty.string());
  const InDirectory here(empty);
  const auto missing = find_defaults_file(std::nullopt);
  CHECK(missing.path == "defaults.yaml");
  const std::string expected = "failed to read defaults file \"defaults.yaml\" (no defaults file was named, and none "
                               "was found: tried defaults.yaml, " +
                               (empty / "defaults.yaml").string() +
                               "; name one with defaults_file or --defaults-filepath, or set BLIS_DATA to blis's "
                               "model_configs folder)";
  CHECK_THROWS_WITH_AS(blis::config::DefaultsRegistry::load(missing.path, missing.missing_note), expected.c_str(),
                       blis::Error);
}
