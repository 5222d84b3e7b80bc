#include "engine/catalog/data_dir.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "engine/core/error.h"

namespace blis::catalog {
namespace {

namespace fs = std::filesystem;

// The folders to look in, in order (data_dir.h).
std::vector<fs::path> data_folders() {
  if (const char* env = std::getenv(kDataDirEnv); env != nullptr && *env != '\0') return {fs::path(env)};
  std::vector<fs::path> folders = {fs::path("model_configs")};
  std::error_code ec;
  // Linux names the running executable here; elsewhere (or if it is gone) only the working
  // directory is searched.
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec && exe.has_parent_path()) {
    const fs::path bin = exe.parent_path();
    folders.push_back((bin.parent_path() / "model_configs").lexically_normal());
    folders.push_back((bin.parent_path() / "share" / "blis" / "model_configs").lexically_normal());
  }
  return folders;
}

}  // namespace

DataLookup find_data(std::string_view name) {
  DataLookup out;
  for (const fs::path& folder : data_folders()) {
    const std::string candidate = (folder / fs::path(name)).string();
    if (std::find(out.tried.begin(), out.tried.end(), candidate) != out.tried.end()) continue;
    out.tried.push_back(candidate);
    std::error_code ec;
    if (fs::exists(candidate, ec)) {
      out.path = candidate;
      return out;
    }
  }
  return out;
}

std::string data_path(std::string_view name, std::string_view what) {
  DataLookup found = find_data(name);
  if (found.path) return *found.path;
  throw Error(fmt::format("cannot find {} {}: tried {} (set {} to blis's model_configs folder)", what, name,
                          fmt::join(found.tried, ", "), kDataDirEnv));
}

}  // namespace blis::catalog
