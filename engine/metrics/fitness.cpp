#include "engine/metrics/fitness.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "engine/core/error.h"
#include "engine/core/go_strconv.h"
#include "engine/metrics/go_json.h"

namespace blis::metrics {

namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\n\r\v\f");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\n\r\v\f");
  return s.substr(b, e - b + 1);
}

double latency_component(double ticks) { return 1.0 / (1.0 + ticks / 1000.0); }

}  // namespace

std::map<std::string, double> parse_fitness_weights(const std::string& text, bool reject_duplicates) {
  std::map<std::string, double> weights;
  if (text.empty()) return weights;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    const std::string part = trim(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    const size_t colon = part.find(':');
    if (colon == std::string::npos) {
      throw Error(fmt::format("invalid fitness weight {}: expected key:value", core::go::quote(part)));
    }
    const std::string key = trim(part.substr(0, colon));
    const std::string value_text = trim(part.substr(colon + 1));
    double value = 0;
    if (const auto e = core::go::parse_float(value_text, value); e != core::go::NumError::kNone) {
      throw Error(fmt::format("invalid fitness weight value for {}: {}", core::go::quote(key),
                              core::go::num_error_text("ParseFloat", value_text, e)));
    }
    if (!std::isfinite(value) || value < 0) {
      throw Error(fmt::format("invalid weight for {}: must be a finite non-negative number, got {}",
                              core::go::quote(key), go_format_g(value)));
    }
    // NOTE (§E.6, NOTE 9): a repeated key silently overwrites the earlier weight.
    if (reject_duplicates && weights.count(key) != 0) {
      throw Error(fmt::format("fitness weight {} is given twice", core::go::quote(key)));
    }
    weights[key] = value;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return weights;
}

void validate_fitness_keys(const std::map<std::string, double>& weights) {
  static const char* const kKeys[] = {"throughput", "tokens_per_sec", "p99_ttft", "p50_ttft",
                                      "mean_ttft",  "p99_e2e",        "p50_e2e",  "mean_e2e"};
  for (const auto& [key, weight] : weights) {  // byte order: the first unknown key is reported
    (void)weight;
    if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys)) {
      throw Error(fmt::format("unknown fitness metric key {}; valid keys: throughput, tokens_per_sec, p99_ttft, "
                              "p50_ttft, mean_ttft, p99_e2e, p50_e2e, mean_e2e", core::go::quote(key)));
    }
  }
}

FitnessResult compute_fitness(const std::map<std::string, double>& weights, const FitnessInputs& in) {
  const std::map<std::string, double> components = {
      {"throughput", in.responses_per_sec / (in.responses_per_sec + 100)},
      {"tokens_per_sec", in.tokens_per_sec / (in.tokens_per_sec + 10000)},
      {"p99_ttft", latency_component(in.ttft.p99)},
      {"p50_ttft", latency_component(in.ttft.p50)},
      {"mean_ttft", latency_component(in.ttft.mean)},
      {"p99_e2e", latency_component(in.e2e.p99)},
      {"p50_e2e", latency_component(in.e2e.p50)},
      {"mean_e2e", latency_component(in.e2e.mean)},
  };
  FitnessResult result;
  validate_fitness_keys(weights);
  for (const auto& [key, weight] : weights) {
    const double component = components.at(key);
    result.components[key] = component;
    result.score += component * weight;
  }
  return result;
}

}  // namespace blis::metrics
