// Real trace v2 files as `blis fit` measures them (engine/fit/readers, observed_from_trace): the
// header YAML and the data CSV, split at the first line "%%" as in the trace_v2 harness. A
// measurement read must have finite, non-negative latencies (TPOT NaN only below 2 tokens).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/core/error.h"
#include "engine/fit/readers/readers.h"
#include "engine/workload/trace_v2.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto parts =
      blis::fuzz::split_input(std::string_view(reinterpret_cast<const char*>(data), size), "\n%%\n", 2);
  if (parts.size() < 2) return 0;
  blis::workload::TraceV2 trace;
  trace.header_path = "fuzz.yaml";
  trace.data_path = "fuzz.csv";
  blis::fit::Measurement m;
  try {
    trace.header = blis::workload::parse_trace_header(std::string(parts[0]), trace.header_path);
    trace.records = blis::workload::parse_trace_data(std::string(parts[1]), trace.data_path, trace.has_sharing_columns);
    m = blis::fit::observed_from_trace(trace);
  } catch (const blis::Error&) {
    return 0;
  }
  for (const blis::fit::ObservedRequest& r : m.requests) {
    if (!std::isfinite(r.ttft_ms) || r.ttft_ms < 0 || !(r.e2e_ms >= r.ttft_ms) || !std::isfinite(r.e2e_ms)) {
      __builtin_trap();
    }
    if (!std::isnan(r.tpot_ms) && !(r.tpot_ms >= 0 && std::isfinite(r.tpot_ms))) __builtin_trap();
  }
  for (const blis::fit::ObservedMetric& metric : m.metrics) {
    if (!std::isfinite(metric.ms) || metric.ms < 0) __builtin_trap();
  }
  return 0;
}
