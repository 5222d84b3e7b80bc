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
    // Corrected mode without empirical_file_read: a fuzzed `file` key must not make the
    // harness read files (the empirical_file harness covers that reader).
    blis::core::Corrections corrections = blis::core::Corrections::for_mode(blis::core::CompatMode::Corrected);
    corrections.empirical_file_read = false;
    blis::workload::expand_workload_sources(spec, corrections, blis::fuzz::discard_diagnostic);
    blis::workload::validate_workload_spec(spec);
  } catch (const blis::Error&) {
  }
  return 0;
}
