// Trace v2 (engine/workload/trace_v2): the header YAML and the data CSV, given as one input
// split at the first line "%%" (header first), then the replay checks `blis run --workload
// trace_v2` makes before generating anything.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/core/error.h"
#include "engine/workload/trace_replay.h"
#include "engine/workload/trace_v2.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto parts =
      blis::fuzz::split_input(std::string_view(reinterpret_cast<const char*>(data), size), "\n%%\n", 2);
  blis::workload::TraceV2 trace;
  bool header_ok = false;
  try {
    trace.header = blis::workload::parse_trace_header(std::string(parts[0]), "fuzz.yaml");
    header_ok = true;
  } catch (const blis::Error&) {
  }
  if (parts.size() < 2) return 0;
  try {
    trace.records = blis::workload::parse_trace_data(std::string(parts[1]), "fuzz.csv", trace.has_sharing_columns);
    if (header_ok) blis::workload::check_replayable(trace);
  } catch (const blis::Error&) {
  }
  return 0;
}
