// Per-request times shared by both latency models (engine-core §4.1, §4.2).
#include "engine/latency/latency_model.h"

#include <cmath>
#include <string>

#include "engine/core/error.h"

namespace blis::latency {

// The reference checks coefficient vectors when the model is built; entries past index 2 are
// accepted and ignored, so only the first three matter for the formulas but all must be finite.
void require_coefficients(const std::vector<double>& values, const char* name) {
  if (values.size() < 3) {
    throw Error(std::string("latency model: ") + name + " coefficients need at least 3 values, got " +
                std::to_string(values.size()));
  }
  for (size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      throw Error(std::string("latency model: ") + name + " coefficient [" + std::to_string(i) +
                  "] is " + (std::isnan(values[i]) ? "NaN" : "infinite") +
                  "; coefficients must be finite numbers");
    }
  }
}

LatencyModel::LatencyModel(std::vector<double> alpha) : alpha_(std::move(alpha)) {
  require_coefficients(alpha_, "alpha");
}

// The leading "0.0 +" mirrors the reference's accumulation from zero; it is exact but keeps the
// evaluation order identical to the reference (no FMA: the build uses -ffp-contract=off).
Tick LatencyModel::queueing_time(int64_t input_len) const {
  return go_int64((0.0 + alpha_[0]) + alpha_[1] * static_cast<double>(input_len));
}

// A constant per output token, not scaled by the output length (engine-core §4.2).
Tick LatencyModel::output_token_processing_time() const { return go_int64(alpha_[2]); }

}  // namespace blis::latency
