// The GPU catalog (engine/catalog/gpu_catalog, model_configs/gpus.yaml): the strict reader and
// its own checks, then a lookup of the name on the input's first line (the rest is the file) and
// of every name and alias read, so found, missing (did-you-mean) and normalized lookups all run.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/catalog/gpu_catalog.h"
#include "engine/core/error.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static blis::fuzz::MemoryFile file;
  const auto parts = blis::fuzz::split_input(std::string_view(reinterpret_cast<const char*>(data), size), "\n", 2);
  const std::string wanted(parts[0]);
  const std::string& path = file.set(parts.size() > 1 ? parts[1] : std::string_view());
  try {
    const auto catalog = blis::catalog::GpuCatalog::load(path);
    for (const auto& gpu : catalog.gpus()) {
      if (catalog.find(gpu.name) == nullptr) __builtin_trap();  // every name must resolve
      for (const auto& alias : gpu.aliases) {
        if (catalog.find(alias) == nullptr) __builtin_trap();
      }
    }
    (void)catalog.get(wanted);
  } catch (const blis::Error&) {
  }
  return 0;
}
