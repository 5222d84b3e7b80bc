// Where blis finds model_configs/ (engine/catalog/data_dir.h): $BLIS_DATA (or $BLIS_DATA_DIR)
// alone when set, else the working directory, then beside the executable. The golden case run_physics_outside_repo runs
// the real binary from a directory without model_configs.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "engine/catalog/data_dir.h"
#include "engine/core/error.h"
#include "tests/unit/data_dir_env.h"
#include "tests/unit/in_directory.h"
#include "tests/unit/scratch_dir.h"

#ifndef BLIS_SOURCE_DIR
#error "BLIS_SOURCE_DIR must name the repository root"
#endif

namespace fs = std::filesystem;
using blis::catalog::data_path;
using blis::catalog::find_data;
using blis::testing::InDirectory;

using blis::testing::DataDirEnv;

TEST_CASE("BLIS_DATA names the data folder, and then only it is searched") {
  const std::string shipped = std::string(BLIS_SOURCE_DIR) + "/model_configs";
  {
    const DataDirEnv env(shipped);
    const auto found = find_data("physics/default.yaml");
    CHECK(found.path == shipped + "/physics/default.yaml");
    CHECK(data_path("hf", "the model catalog") == shipped + "/hf");
  }
  const fs::path empty = fs::path(blis::testing::scratch_dir()) / "data-dir-empty";
  fs::create_directories(empty);
  const DataDirEnv env(empty.string());
  const InDirectory here(BLIS_SOURCE_DIR);  // model_configs/ is right here, but the variable wins
  const auto missing = find_data("gpus.yaml");
  CHECK_FALSE(missing.path.has_value());
  REQUIRE(missing.tried.size() == 1);
  CHECK(missing.tried[0] == (empty / "gpus.yaml").string());
  CHECK_THROWS_WITH_AS(data_path("gpus.yaml", "the GPU catalog"),
                       ("cannot find the GPU catalog gpus.yaml: tried " + (empty / "gpus.yaml").string() +
                        " (set BLIS_DATA to blis's model_configs folder)")
                           .c_str(),
                       blis::Error);
}

TEST_CASE("BLIS_DATA_DIR, the variable's older name, still works; both set to different folders is an error") {
  const std::string shipped = std::string(BLIS_SOURCE_DIR) + "/model_configs";
  {
    const DataDirEnv env(std::nullopt, shipped);
    CHECK(find_data("gpus.yaml").path == shipped + "/gpus.yaml");
  }
  {
    const DataDirEnv env(shipped, shipped);  // the same folder twice: no conflict
    CHECK(find_data("gpus.yaml").path == shipped + "/gpus.yaml");
  }
  {
    const DataDirEnv env(std::string(""), shipped);  // an empty variable counts as unset
    CHECK(find_data("gpus.yaml").path == shipped + "/gpus.yaml");
  }
  const DataDirEnv env(shipped, "/elsewhere");
  CHECK_THROWS_WITH_AS(find_data("gpus.yaml"),
                       ("BLIS_DATA (" + shipped + ") and BLIS_DATA_DIR (/elsewhere) name different data folders; "
                        "set only BLIS_DATA").c_str(),
                       blis::Error);
}

TEST_CASE("share_folders: the folders above the data folders that exist, for Lua modules") {
  const fs::path root = fs::path(blis::testing::scratch_dir()) / "share-folders";
  fs::create_directories(root / "data" / "model_configs");
  {
    const DataDirEnv env((root / "data" / "model_configs").string());
    CHECK(blis::catalog::share_folders() == std::vector<std::string>{(root / "data").string()});
  }
  {
    const DataDirEnv env((root / "data" / "model_configs/").string());  // a trailing '/' names the same folder
    CHECK(blis::catalog::share_folders() == std::vector<std::string>{(root / "data").string()});
  }
  {
    const DataDirEnv env((root / "missing").string());  // no such folder: nothing to search
    CHECK(blis::catalog::share_folders().empty());
  }
  // Without the variable: the working directory's model_configs is left to Lua's own "./?.lua",
  // and the unit-test binary (build/tests/) has no model_configs beside it.
  const DataDirEnv env(std::nullopt);
  const InDirectory here(BLIS_SOURCE_DIR);
  CHECK(blis::catalog::share_folders().empty());
}

TEST_CASE("without BLIS_DATA the working directory's model_configs comes first, as a relative path") {
  const DataDirEnv env(std::nullopt);
  {
    const InDirectory here(BLIS_SOURCE_DIR);
    CHECK(find_data("gpus.yaml").path == std::string("model_configs/gpus.yaml"));
  }
  const fs::path empty = fs::path(blis::testing::scratch_dir()) / "data-dir-cwd";
  fs::create_directories(empty);
  const InDirectory here(empty);
  const auto lookup = find_data("gpus.yaml");
  // Then beside the executable (build tree, installed layout): the unit-test binary has neither.
  REQUIRE(lookup.tried.size() == 3);
  CHECK(lookup.tried[0] == "model_configs/gpus.yaml");
  CHECK(lookup.tried[1].size() > std::string("/model_configs/gpus.yaml").size());
  CHECK(lookup.tried[1].find("/model_configs/gpus.yaml") == lookup.tried[1].size() - 24);
  CHECK(lookup.tried[2].find("/share/blis/model_configs/gpus.yaml") != std::string::npos);
  CHECK_FALSE(lookup.path.has_value());
}

namespace {

// Runs a shell command line, returns its exit status and what it printed (stdout and stderr).
struct Ran {
  int status = -1;
  std::string output;
};

Ran run(const std::string& command) {
  Ran out;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.output.append(buffer, n);
  const int status = ::pclose(pipe);
  out.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

}  // namespace

TEST_CASE("the blis binary runs the physics model from a directory without model_configs") {
  const fs::path elsewhere = fs::path(blis::testing::scratch_dir()) / "run-elsewhere";
  fs::create_directories(elsewhere);
  REQUIRE_FALSE(fs::exists(elsewhere / "model_configs"));
  const std::string run_physics = "cd '" + elsewhere.string() + "' && env -u BLIS_DATA -u BLIS_DATA_DIR '" BLIS_BINARY
                                  "' run --model meta-llama/llama-3.1-8b-instruct --latency-model physics "
                                  "--hardware H100 --num-requests 3 --rate 5 --log info";
  // build/blis finds ../model_configs: the GPU catalog, the model config and the coefficients.
  const Ran ok = run(run_physics);
  CAPTURE(ok.output);
  CHECK(ok.status == 0);
  CHECK(ok.output.find("/model_configs/hf/llama-3.1-8b-instruct/config.json") != std::string::npos);
  CHECK(ok.output.find("KV cache: 28222 blocks, derived as vLLM sizes it") != std::string::npos);
  CHECK(ok.output.find("\"completed_requests\": 3") != std::string::npos);
  // An explicit BLIS_DATA without the catalog: one message naming where blis looked.
  const Ran missing = run("cd '" + elsewhere.string() + "' && env -u BLIS_DATA_DIR BLIS_DATA='" + elsewhere.string() +
                          "' '" BLIS_BINARY
                          "' run --model meta-llama/llama-3.1-8b-instruct --latency-model physics --hardware H100");
  CHECK(missing.status == 1);
  CHECK(missing.output == "blis: error: cannot find the GPU catalog gpus.yaml: tried " + elsewhere.string() +
                              "/gpus.yaml (set BLIS_DATA to blis's model_configs folder)\n");
}
