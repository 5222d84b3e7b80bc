#include "engine/config/defaults_file.h"

#include <fmt/format.h>

#include <filesystem>
#include <vector>

#include "engine/catalog/data_dir.h"

namespace blis::config {

DefaultsFile find_defaults_file(const std::optional<std::string>& named) {
  if (named) return {*named, ""};
  std::error_code ec;
  if (std::filesystem::exists(kDefaultsFileName, ec)) return {kDefaultsFileName, ""};
  const catalog::DataLookup shipped = catalog::find_data(kDefaultsFileName);
  if (shipped.path) return {*shipped.path, ""};
  std::vector<std::string> tried = {kDefaultsFileName};
  tried.insert(tried.end(), shipped.tried.begin(), shipped.tried.end());
  return {kDefaultsFileName,
          fmt::format(" (no defaults file was named, and none was found: tried {}; name one with defaults_file or "
                      "--defaults-filepath, or set {} to blis's model_configs folder)",
                      fmt::join(tried, ", "), catalog::kDataDirEnv)};
}

}  // namespace blis::config
