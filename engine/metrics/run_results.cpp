#include "engine/metrics/run_results.h"

namespace blis::metrics {

double jain_fairness(const std::map<std::string, double>& values) {
  if (values.empty()) return 0;
  double sum = 0, sum_squares = 0;
  for (const auto& [key, x] : values) {  // byte order of keys, as the reference sums
    (void)key;
    sum += x;
    sum_squares += x * x;
  }
  if (sum_squares == 0) return 1.0;
  return (sum * sum) / (static_cast<double>(values.size()) * sum_squares);
}

double slo_attainment(const std::vector<RequestOutcome>& requests, const std::map<std::string, double>& e2e_target_ms) {
  int64_t total = 0, met = 0;
  for (const RequestOutcome& r : requests) {
    if (!r.completed) continue;
    ++total;
    const auto target = e2e_target_ms.find(r.slo_class);
    if (target == e2e_target_ms.end() || r.e2e_ms <= target->second) ++met;
  }
  return total == 0 ? 0.0 : static_cast<double>(met) / static_cast<double>(total);
}

}  // namespace blis::metrics
