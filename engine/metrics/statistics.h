// The reference's statistics: percentiles and means in ms for the JSON block (engine-core §7.2)
// and raw-tick distributions for fitness and per-SLO output (§7.5, cluster §E.1). They round
// differently, so they are separate functions on purpose.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/metrics/tick_histogram.h"

namespace blis::metrics {

// §7.2 on an ascending float64 list: result in ms.
double percentile_ms(const std::vector<double>& sorted, double p);
double mean_ms(const std::vector<double>& sorted);
// §7.2 on the ITL multiset (int64 element type: the difference is taken in int64).
double percentile_ms(const TickHistogram& values, double p);
double mean_ms(const TickHistogram& values);

// §7.5 / §E.1 distribution over raw ticks.
struct Distribution {
  double mean = 0, p50 = 0, p95 = 0, p99 = 0, min = 0, max = 0;
  int64_t count = 0;
};
Distribution distribution_of(std::vector<double> values);

}  // namespace blis::metrics
