// Hardware JSON (engine/latency/model_hardware, `--hardware-config`): the reader with Go's
// encoding/json field matching, asked for the GPU named on the input's first line (the rest is
// the file), so both found and missing GPUs are exercised.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/core/error.h"
#include "engine/latency/model_hardware.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static blis::fuzz::MemoryFile file;
  const auto parts = blis::fuzz::split_input(std::string_view(reinterpret_cast<const char*>(data), size), "\n", 2);
  const std::string gpu(parts[0]);
  const std::string& path = file.set(parts.size() > 1 ? parts[1] : std::string_view());
  try {
    (void)blis::latency::load_hardware_spec(path, gpu);
  } catch (const blis::Error&) {
  }
  return 0;
}
