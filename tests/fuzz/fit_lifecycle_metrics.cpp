// inference-perf lifecycle metrics as `blis fit` reads them (engine/fit/readers,
// append_lifecycle_metrics): the JSON file of one stage. Every metric read must be a finite,
// non-negative number of ms with a known name.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/core/error.h"
#include "engine/fit/readers/reader_support.h"
#include "engine/fit/readers/readers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<blis::fit::ObservedMetric> metrics;
  try {
    blis::fit::append_lifecycle_metrics(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.json", 3,
                                        metrics);
  } catch (const blis::Error&) {
    return 0;
  }
  for (const blis::fit::ObservedMetric& m : metrics) {
    if (m.stage != 3 || !std::isfinite(m.ms) || m.ms < 0 || !blis::fit::readers::canonical_metric_name(m.name)) {
      __builtin_trap();
    }
  }
  return 0;
}
