// `blis models` (bindings/models_command): the shipped catalog lists every model with the shape
// its config.json implies, and a catalog with a broken config fails naming that file.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bindings/models_command.h"
#include "engine/catalog/model_catalog.h"
#include "engine/core/error.h"
#include "tests/unit/scratch_dir.h"

#ifndef BLIS_SOURCE_DIR
#error "BLIS_SOURCE_DIR must name the repository root"
#endif

namespace fs = std::filesystem;

namespace {

const std::string kCatalog = std::string(BLIS_SOURCE_DIR) + "/model_configs/hf";

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

}  // namespace

TEST_CASE("blis models lists every catalog folder once, with dense and MoE told apart") {
  const std::string out = blis::bindings::models_command({"--catalog", kCatalog});
  for (const std::string& name : blis::catalog::model_folder_names(kCatalog)) {
    CHECK(out.find("\n" + name + " ") != std::string::npos);
  }
  // Qwen3-30B-A3B routes each token to 8 of 128 experts: about 30.5B parameters, 3.3B active.
  const size_t row = out.find("\nqwen3-30b-a3b-instruct-2507 ");
  REQUIRE(row != std::string::npos);
  const std::string line = out.substr(row + 1, out.find('\n', row + 1) - row - 1);
  CHECK(line.find("MoE 8/128") != std::string::npos);
  CHECK(line.find("30.53B") != std::string::npos);
  CHECK(line.find("3.35B") != std::string::npos);
}

TEST_CASE("blis models --format json carries the same counts") {
  const std::string out = blis::bindings::models_command({"--catalog=" + kCatalog, "--format", "json"});
  CHECK(out.find("\"name\": \"llama-3.1-8b\"") != std::string::npos);
  CHECK(out.find("\"parameters\": 8030261248") != std::string::npos);
}

TEST_CASE("blis models: a broken config.json names its file and key; argument errors") {
  const fs::path dir = blis::testing::scratch_subdir("models_command");
  write(dir / "ok" / "config.json",
        R"({"num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 4, "intermediate_size": 128,
            "vocab_size": 100})");
  write(dir / "zz" / "config.json", R"({"num_hidden_layers": 2})");
  try {
    blis::bindings::models_command({"--catalog", dir.string()});
    FAIL("a broken config must be an error");
  } catch (const blis::Error& e) {
    const std::string what = e.what();
    CHECK(what.find("zz/config.json") != std::string::npos);
    CHECK(what.find("hidden_size") != std::string::npos);
  }
  CHECK_THROWS_WITH_AS(blis::bindings::models_command({"--format", "yaml"}),
                       "--format must be table or json, got 'yaml'", blis::Error);
  CHECK_THROWS_AS(blis::bindings::models_command({"--catalog"}), blis::Error);
  CHECK_THROWS_AS(blis::bindings::models_command({"--tp", "2"}), blis::Error);
}
