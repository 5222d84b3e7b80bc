// The `observed` table of a blis fit experiment (docs/fit-inputs.md): what the real run measured,
// given inline (summary, stages, requests) or as files read by engine/fit/readers/
// (inference_perf, table, trace), all gathered into the experiment's one fit::Measurement.
#pragma once

#include <string>

#include "bindings/fit_list_reader.h"
#include "engine/fit/measurement.h"

namespace blis::bindings {

// Reads the observed table at the top of the stack (key path `path`); file paths are relative to
// `list_folder`. Fails, naming the key path, on an unknown kind, a bad value, an unreadable file
// or a table that holds no measured value.
fit::Measurement read_observed(FitListReader& r, const std::string& path, const std::string& list_folder);

}  // namespace blis::bindings
