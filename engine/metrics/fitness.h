// --fitness-weights: parsing and the normalised score (cluster-workload-trace §E.6).
#pragma once

#include <map>
#include <string>

#include "engine/metrics/statistics.h"

namespace blis::metrics {

// Throws blis::Error("invalid fitness weight ...") for malformed pairs or values that are
// NaN, infinite or negative. A repeated key keeps the last value (the reference's NOTE 9), or
// with `reject_duplicates` (the fitness_duplicate_keys correction) is an error naming it.
std::map<std::string, double> parse_fitness_weights(const std::string& text, bool reject_duplicates = false);

struct FitnessInputs {
  double responses_per_sec = 0;  // 0 unless duration > 0 and completed > 0
  double tokens_per_sec = 0;
  Distribution ttft, e2e;        // raw ticks
};

struct FitnessResult {
  double score = 0;
  std::map<std::string, double> components;  // unweighted, keys in byte order
};

// Throws blis::Error("unknown fitness metric key ...") for the first unknown key in byte order.
void validate_fitness_keys(const std::map<std::string, double>& weights);
// Throws like validate_fitness_keys.
FitnessResult compute_fitness(const std::map<std::string, double>& weights, const FitnessInputs& in);

}  // namespace blis::metrics
