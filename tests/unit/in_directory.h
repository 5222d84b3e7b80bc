// Runs a test in another working directory: for code that looks for files relative to it
// (model_configs/, defaults.yaml).
#pragma once

#include <filesystem>

namespace blis::testing {

// Changes to `dir` and back to the previous working directory when it goes out of scope, also
// when a check throws.
class InDirectory {
 public:
  explicit InDirectory(const std::filesystem::path& dir) : before_(std::filesystem::current_path()) {
    std::filesystem::current_path(dir);
  }
  ~InDirectory() { std::filesystem::current_path(before_); }
  InDirectory(const InDirectory&) = delete;
  InDirectory& operator=(const InDirectory&) = delete;

 private:
  std::filesystem::path before_;
};

}  // namespace blis::testing
