// Finding a model's config folder by its id (engine/catalog/model_catalog): every model id of the
// sim2real experiments resolves in the shipped catalog, case does not matter, and an ambiguous or
// unknown id is reported, not guessed.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine/catalog/model_catalog.h"
#include "engine/core/error.h"
#include "tests/unit/scratch_dir.h"

#ifndef BLIS_SOURCE_DIR
#error "BLIS_SOURCE_DIR must name the repository root"
#endif

namespace fs = std::filesystem;
using blis::catalog::find_model_folder;
using blis::catalog::model_folder_names;

namespace {

const std::string kRoot = std::string(BLIS_SOURCE_DIR) + "/model_configs/hf";

}  // namespace

TEST_CASE("every model id of the sim2real data finds its config folder") {
  for (const char* id : {"meta-llama/Llama-2-7b-hf", "meta-llama/Llama-2-70b-hf", "codellama/CodeLlama-34b-Instruct-hf",
                         "mistralai/Mixtral-8x7B-v0.1", "mistralai/Mixtral-8x22B-Instruct-v0.1",
                         "meta-llama/Llama-3.1-8B", "meta-llama/Llama-3.1-8B-Instruct",
                         "meta-llama/Llama-3.1-70B-Instruct", "Qwen/Qwen3-32B", "Qwen/Qwen3-14B",
                         "Qwen/Qwen3-30B-A3B-Instruct-2507", "Qwen/Qwen2.5-7B-Instruct",
                         "mistralai/Mistral-Nemo-Instruct-2407", "01-ai/Yi-34B"}) {
    CAPTURE(id);
    const auto folder = find_model_folder(id, kRoot);
    REQUIRE(folder.has_value());
    CHECK(fs::is_regular_file(fs::path(*folder) / "config.json"));
  }
  CHECK(find_model_folder("QWEN/qwen3-32b", kRoot) == kRoot + "/qwen3-32b");
  CHECK(find_model_folder("qwen3-32b", kRoot) == kRoot + "/qwen3-32b");  // no organisation
  CHECK(!find_model_folder("Qwen/Qwen3-235B-A22B", kRoot).has_value());
  CHECK(!find_model_folder("Qwen/", kRoot).has_value());
}

TEST_CASE("the model catalog lists its folders in name order, only those with a config.json") {
  const auto names = model_folder_names(kRoot);
  CHECK(names.size() == 17);
  CHECK(std::is_sorted(names.begin(), names.end()));
  CHECK(names.front() == "codellama-34b-instruct-hf");
  CHECK(model_folder_names(kRoot + "/no-such-dir").empty());
}

TEST_CASE("two folders that differ only in case make a model id ambiguous") {
  const fs::path root = fs::path(blis::testing::scratch_dir()) / "model-catalog";
  for (const char* name : {"Tiny-Model", "tiny-model", "no-config"}) fs::create_directories(root / name);
  std::ofstream(root / "Tiny-Model" / "config.json") << "{}";
  std::ofstream(root / "tiny-model" / "config.json") << "{}";
  CHECK(model_folder_names(root.string()) == std::vector<std::string>{"Tiny-Model", "tiny-model"});
  try {
    find_model_folder("org/TINY-model", root.string());
    FAIL("no error");
  } catch (const blis::Error& e) {
    CHECK(std::string(e.what()) == "model org/TINY-model matches two folders of " + root.string() +
                                       ": Tiny-Model and tiny-model (folder names are compared ignoring case)");
  }
}
