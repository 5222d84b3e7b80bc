#include "engine/catalog/model_catalog.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "engine/catalog/data_dir.h"
#include "engine/core/error.h"

namespace blis::catalog {
namespace {

namespace fs = std::filesystem;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

std::vector<std::string> model_folder_names(const std::string& root) {
  std::vector<std::string> names;
  std::error_code ec;
  fs::directory_iterator it(root, ec);
  if (ec) return names;
  for (const fs::directory_entry& entry : it) {
    std::error_code is_file;
    if (fs::is_regular_file(entry.path() / "config.json", is_file)) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());  // directory order is the file system's, not ours
  return names;
}

std::optional<std::string> find_model_folder(std::string_view model_id, const std::string& root) {
  const size_t slash = model_id.rfind('/');
  const std::string wanted = lower(slash == std::string_view::npos ? model_id : model_id.substr(slash + 1));
  if (wanted.empty()) return std::nullopt;
  std::optional<std::string> found;
  for (const std::string& name : model_folder_names(root)) {
    if (lower(name) != wanted) continue;
    if (found) {
      throw Error(fmt::format("model {} matches two folders of {}: {} and {} (folder names are compared ignoring "
                              "case)",
                              model_id, root, *found, name));
    }
    found = name;
  }
  if (!found) return std::nullopt;
  return (fs::path(root) / *found).string();
}

std::string default_model_catalog() { return find_data("hf").path.value_or(kDefaultModelCatalogPath); }

std::optional<std::string> find_model_folder(std::string_view model_id) {
  return find_model_folder(model_id, default_model_catalog());
}

}  // namespace blis::catalog
