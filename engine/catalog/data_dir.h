// Where blis finds its data folder (model_configs/: the GPU catalog gpus.yaml, the model catalog
// hf/, the physics coefficients physics/default.yaml, the shipped defaults.yaml) when no file is
// named, so that `blis run --latency-model physics` works from any directory, not only the
// project's root. The folders tried, in order (docs/catalogs.md, "Where blis finds its data"):
//   1. $BLIS_DATA (or its older name $BLIS_DATA_DIR), when set, and then only it: an explicit
//      choice is never second-guessed. Both set to different folders is an error;
//   2. model_configs/ in the working directory (the reference's rule; paths stay relative, so
//      messages and transcripts read as before);
//   3. ../model_configs beside the executable (a build tree: build/blis -> model_configs/);
//   4. ../share/blis/model_configs beside the executable (an installed layout: prefix/bin/blis).
// The folder above a data folder holds blis's Lua modules (scripts/scorers/...): share_folders()
// lists those folders for `require` (bindings/scenario_loader.cpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace blis::catalog {

inline constexpr const char* kDataDirEnv = "BLIS_DATA";
inline constexpr const char* kDataDirEnvAlias = "BLIS_DATA_DIR";  // the variable's first name, still read

struct DataLookup {
  std::optional<std::string> path;  // the first candidate that exists
  std::vector<std::string> tried;   // every candidate looked at, in order
};

// The data folder the environment names ($BLIS_DATA, else $BLIS_DATA_DIR), or nullopt when
// neither is set (or both are empty). Throws blis::Error when both are set to different values.
std::optional<std::string> data_dir_from_env();

// Looks for `name` (relative to a data folder: "gpus.yaml", "physics/default.yaml", "hf") in each
// data folder in turn. Throws only for a conflicting environment (data_dir_from_env).
DataLookup find_data(std::string_view name);

// find_data(name).path, else blis::Error "cannot find <what> <name>: tried A, B, ... (set
// BLIS_DATA to blis's model_configs folder)".
std::string data_path(std::string_view name, std::string_view what);

// The folders above the data folders that exist, other than the working directory (which Lua's
// own search covers first): with $BLIS_DATA=/opt/blis/model_configs, /opt/blis; in a build tree
// the checkout's root; installed, prefix/share/blis. In the order of the data folders.
std::vector<std::string> share_folders();

}  // namespace blis::catalog
