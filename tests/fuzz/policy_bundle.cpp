// Policy bundle YAML (engine/config/policy_bundle, `--policy-config`): the strict reader and
// Validate(). The loader takes a path, so the input is handed over as an in-memory file.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/config/policy_bundle.h"
#include "engine/core/error.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static blis::fuzz::MemoryFile file;
  const std::string& path = file.set(std::string_view(reinterpret_cast<const char*>(data), size));
  try {
    const blis::config::PolicyBundle bundle = blis::config::load_policy_bundle(path);
    blis::config::validate_policy_bundle(bundle);
  } catch (const blis::Error&) {
  }
  return 0;
}
