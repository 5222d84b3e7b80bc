// Experiment shard files (bindings/experiment_runner, `blis merge SHARD.json...`): the reader
// that checks and merges them, with up to three files split at lines "%%". It runs no script.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bindings/experiment_runner.h"
#include "engine/core/error.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::array<blis::fuzz::MemoryFile, 3> files;
  const auto parts =
      blis::fuzz::split_input(std::string_view(reinterpret_cast<const char*>(data), size), "\n%%\n", files.size());
  std::vector<std::string> paths;
  for (size_t i = 0; i < parts.size(); ++i) paths.push_back(files[i].set(parts[i]));
  try {
    (void)blis::bindings::read_shards(paths);
  } catch (const blis::Error&) {
  }
  return 0;
}
