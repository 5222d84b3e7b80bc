// defaults.yaml (engine/config/defaults_registry): the strict reader, then the three lookups
// resolve() makes, with names taken from what was read so that matches happen.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/config/defaults_registry.h"
#include "engine/core/error.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static blis::fuzz::MemoryFile file;
  const std::string& path = file.set(std::string_view(reinterpret_cast<const char*>(data), size));
  try {
    const auto registry = blis::config::DefaultsRegistry::load(path);
    for (const auto& row : registry.rows()) {
      (void)registry.deployment(row.id);
      (void)registry.coefficients(row.id, row.tensor_parallelism, row.gpu, row.vllm_version);
    }
    for (const char* preset : {"chatbot", "summarization", "contentgen", "multidoc"}) (void)registry.preset(preset);
  } catch (const blis::Error&) {
  }
  return 0;
}
