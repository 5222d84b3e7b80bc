#include "engine/catalog/data_dir.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "engine/core/error.h"

namespace blis::catalog {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> env_value(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

// The folders to look in, in order (data_dir.h).
std::vector<fs::path> data_folders() {
  if (const auto env = data_dir_from_env()) return {fs::path(*env)};
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

std::optional<std::string> data_dir_from_env() {
  const std::optional<std::string> name = env_value(kDataDirEnv);
  const std::optional<std::string> alias = env_value(kDataDirEnvAlias);
  // Compared as written: two spellings of one folder are still two answers to keep apart.
  if (name && alias && *name != *alias) {
    throw Error(fmt::format("{} ({}) and {} ({}) name different data folders; set only {}", kDataDirEnv, *name,
                            kDataDirEnvAlias, *alias, kDataDirEnv));
  }
  return name ? name : alias;
}

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

std::vector<std::string> share_folders() {
  std::vector<std::string> out;
  for (const fs::path& folder : data_folders()) {
    if (folder == fs::path("model_configs")) continue;  // the working directory's: Lua looks there already
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) continue;
    // lexically_normal leaves a trailing separator ("/opt/blis/model_configs/" -> parent is itself).
    const fs::path parent = (folder / "..").lexically_normal();
    std::string text = parent.string();
    if (text.size() > 1 && text.back() == '/') text.pop_back();
    if (text.empty()) text = ".";
    if (std::find(out.begin(), out.end(), text) == out.end()) out.push_back(text);
  }
  return out;
}

}  // namespace blis::catalog
