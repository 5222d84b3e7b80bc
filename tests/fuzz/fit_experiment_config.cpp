// exp-config.yaml of an inference-perf experiment as `blis fit` reads it (engine/fit/readers,
// parse_experiment_config), then the `blis run` flags made from it: a model and only positive
// settings.
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/core/error.h"
#include "engine/fit/readers/readers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  blis::fit::InferencePerfRun run;
  try {
    blis::fit::parse_experiment_config(std::string(reinterpret_cast<const char*>(data), size), "fuzz.yaml", run);
  } catch (const blis::Error&) {
    return 0;
  }
  if (run.model.empty()) __builtin_trap();
  for (const auto& v : {run.tensor_parallelism, run.max_model_len, run.max_num_batched_tokens, run.max_num_seqs}) {
    if (v && *v <= 0) __builtin_trap();
  }
  if (run.blis_run_flags().size() % 2 != 0) __builtin_trap();
  return 0;
}
