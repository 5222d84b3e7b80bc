// A directory private to one run of the unit tests: created with mkdtemp under $TMPDIR (or
// /tmp) on first use, removed with everything in it when the program ends. Tests write their
// files here, never at fixed names in the shared temporary directory, so concurrent or earlier
// runs cannot collide with them or leave state behind for them.
#pragma once

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace blis::testing {

class ScratchDir {
 public:
  ScratchDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/blis-unit-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The program's scratch directory (created on first use).
inline const std::string& scratch_dir() {
  static const ScratchDir dir;
  return dir.path();
}

// A fresh, empty subdirectory of the scratch directory for one test.
inline std::string scratch_subdir(const std::string& name) {
  const std::filesystem::path dir = std::filesystem::path(scratch_dir()) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

}  // namespace blis::testing
