// Which defaults.yaml a run reads (the trained coefficients, default deployments and workload
// presets) when the scenario names none (no defaults_file key, no --defaults-filepath). The
// reference reads ./defaults.yaml and fails without it; blis keeps that first, then falls back to
// the copy shipped in its data folder (engine/catalog/data_dir.h), so `blis run --model ...`
// works from the repo root and from any directory with an installed blis (docs/deviations.md).
// A named file is read as named: its absence stays an error.
#pragma once

#include <optional>
#include <string>

namespace blis::config {

inline constexpr const char* kDefaultsFileName = "defaults.yaml";

struct DefaultsFile {
  std::string path;          // the file to read
  std::string missing_note;  // when no candidate exists: where blis looked, for the read error
};

// `named` when given; else ./defaults.yaml when it exists; else the data folder's
// defaults.yaml; else ./defaults.yaml with a note listing every path tried.
DefaultsFile find_defaults_file(const std::optional<std::string>& named);

}  // namespace blis::config
