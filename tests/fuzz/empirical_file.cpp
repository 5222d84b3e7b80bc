// The CSV file of an empirical length distribution (engine/workload/empirical_file), read with
// the empirical_file_read correction: rows tokens,probability, an optional header, every
// problem refused with the file and line.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/core/error.h"
#include "engine/workload/empirical_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    (void)blis::workload::parse_empirical_csv(text, "fuzz.csv");
  } catch (const blis::Error&) {
  }
  return 0;
}
