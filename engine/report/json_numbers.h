// How the JSON documents blis writes for people's programs (the report, `blis compare`) print a
// figure: rounded to what it means, never "-0", null when not finite.
#pragma once

#include "engine/metrics/go_json.h"

namespace blis::report {

// `"key": v` rounded to `decimals` places (ms to the µs the engine counts in: 3; rates 3; shares
// 6); null for NaN or an infinity.
void write_rounded(metrics::JsonWriter& w, const char* key, double v, int decimals);

}  // namespace blis::report
