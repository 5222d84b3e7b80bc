// The model catalog (model_configs/hf/<name>/config.json, docs/catalogs.md): which folder holds a
// model's HuggingFace config, found from the model id as serving stacks name it
// ("Qwen/Qwen3-32B" -> model_configs/hf/qwen3-32b). Reading the config is the caller's business.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace blis::catalog {

// Relative to the working directory, like defaults.yaml and the GPU catalog.
inline constexpr const char* kDefaultModelCatalogPath = "model_configs/hf";

// The names of the folders of `root` that hold a config.json, sorted (empty when `root` is not a
// readable directory).
std::vector<std::string> model_folder_names(const std::string& root = kDefaultModelCatalogPath);

// "<root>/<folder>" for `model_id`: its part after the last '/' compared with the folder names
// ignoring ASCII case. nullopt when no folder matches; blis::Error when two do.
std::optional<std::string> find_model_folder(std::string_view model_id, const std::string& root);
// The same in the data folder's hf/ (engine/catalog/data_dir.h: $BLIS_DATA, the working
// directory, beside the executable); kDefaultModelCatalogPath when no data folder has one.
std::optional<std::string> find_model_folder(std::string_view model_id);
std::string default_model_catalog();

}  // namespace blis::catalog
