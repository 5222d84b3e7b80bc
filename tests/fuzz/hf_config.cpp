// HuggingFace config.json (engine/latency/model_hardware, `--model-config-folder`): the reader
// of the model's architecture, given the text of config.json.
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/core/error.h"
#include "engine/latency/model_hardware.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    (void)blis::latency::parse_model_architecture(text, "fuzz/config.json");
  } catch (const blis::Error&) {
  }
  return 0;
}
