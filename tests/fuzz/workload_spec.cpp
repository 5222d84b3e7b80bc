// WorkloadSpec YAML (engine/workload/workload_spec): the strict reader, Validate(), and the
// inference-perf expansion with the validation of what it made, as `blis run --workload-spec`
// does before generating requests. ServeGen specs stop after validation: their expansion reads
// data directories named in the input.
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/core/error.h"
#include "engine/workload/spec_expansion.h"
#include "engine/workload/workload_spec.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    blis::workload::WorkloadSpecFile spec = blis::workload::parse_workload_spec(text, "fuzz.yaml");
    if (!(spec.clients.empty() && spec.inference_perf)) blis::workload::validate_workload_spec(spec);
    if (spec.servegen_data) return 0;
    blis::workload::expand_workload_sources(spec, blis::fuzz::discard_diagnostic);
    blis::workload::validate_workload_spec(spec);
  } catch (const blis::Error&) {
  }
  return 0;
}
