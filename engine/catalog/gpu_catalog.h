// The hardware catalog (model_configs/gpus.yaml, docs/catalogs.md): GPUs by name or alias, with
// their datasheet figures. Read strictly: an unknown key, a missing field, a non-positive or
// non-finite figure, or a name that two entries claim is an error naming file:line and the key.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/catalog/gpu_spec.h"

namespace blis::catalog {

// Where the catalog is found when no file is named: relative to the working directory, like
// defaults.yaml and the model config folders (blis runs in its project directory).
inline constexpr const char* kDefaultGpuCatalogPath = "model_configs/gpus.yaml";

class GpuCatalog {
 public:
  // Throws blis::Error: "cannot read GPU catalog F: ..." or "F:LINE: <problem>" (one line per
  // problem found, every problem of the file at once).
  static GpuCatalog load(const std::string& path);
  // The same from text; `path` names the file in messages (unit tests, the fuzz harness).
  static GpuCatalog parse(const std::string& text, const std::string& path);

  // The entry whose name or alias equals `name` ignoring case, spaces, '-' and '_'; else null.
  const GpuSpec* find(std::string_view name) const;
  // find(), or blis::Error "unknown GPU 'X' in F (did you mean 'Y'?); known: A, B, ..." naming
  // the catalog's canonical names.
  const GpuSpec& get(std::string_view name) const;

  const std::vector<GpuSpec>& gpus() const { return gpus_; }  // in file order
  const std::string& path() const { return path_; }

 private:
  std::vector<GpuSpec> gpus_;
  std::string path_;
};

// The comparison key of a GPU name: lower case, without spaces, '-' and '_'.
std::string normalized_gpu_name(std::string_view name);

}  // namespace blis::catalog
