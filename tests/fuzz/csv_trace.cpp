// CSV traces (engine/workload/csv_trace_source, `--workload traces`): the whole reader (header,
// arrival times, JSON token arrays, the horizon cut-off), then every request handed on.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/core/error.h"
#include "engine/workload/csv_trace_source.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static blis::fuzz::MemoryFile file;
  const std::string& path = file.set(std::string_view(reinterpret_cast<const char*>(data), size));
  try {
    blis::workload::CsvTraceSource source(path, blis::kInfiniteHorizon);
    blis::workload::GeneratedRequest request;
    while (source.next(request)) {
    }
  } catch (const blis::Error&) {
  }
  return 0;
}
