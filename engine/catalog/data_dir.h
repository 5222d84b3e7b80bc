// Where blis finds its data folder (model_configs/: the GPU catalog gpus.yaml, the model catalog
// hf/, the physics coefficients physics/default.yaml) when no file is named, so that `blis run
// --latency-model physics` works from any directory, not only the project's root. The folders
// tried, in order (docs/catalogs.md, "Where blis finds its data"):
//   1. $BLIS_DATA_DIR, when set (and then only it: an explicit choice is never second-guessed);
//   2. model_configs/ in the working directory (the reference's rule; paths stay relative, so
//      messages and transcripts read as before);
//   3. ../model_configs beside the executable (a build tree: build/blis -> model_configs/);
//   4. ../share/blis/model_configs beside the executable (an installed layout: prefix/bin/blis).
// The reference's own defaults.yaml (--defaults-filepath) keeps the reference's rule: the working
// directory only.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace blis::catalog {

inline constexpr const char* kDataDirEnv = "BLIS_DATA_DIR";

struct DataLookup {
  std::optional<std::string> path;  // the first candidate that exists
  std::vector<std::string> tried;   // every candidate looked at, in order
};

// Looks for `name` (relative to a data folder: "gpus.yaml", "physics/default.yaml", "hf") in each
// data folder in turn. Never throws.
DataLookup find_data(std::string_view name);

// find_data(name).path, else blis::Error "cannot find <what> <name>: tried A, B, ... (set
// BLIS_DATA_DIR to blis's model_configs folder)".
std::string data_path(std::string_view name, std::string_view what);

}  // namespace blis::catalog
