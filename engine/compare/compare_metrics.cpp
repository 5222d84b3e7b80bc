#include "engine/compare/compare_metrics.h"

#include <cmath>
#include <limits>

namespace blis::compare {

namespace {

constexpr double kNone = std::numeric_limits<double>::quiet_NaN();

double field(const metrics::LatencySummary& l, double metrics::LatencySummary::*f) {
  return l.count == 0 ? kNone : l.*f;
}

}  // namespace

const std::vector<CompareMetric>& compare_metrics() {
  static const std::vector<CompareMetric> metrics = {
      {"ttft_ms.mean", "TTFT mean (ms)", 2},
      {"ttft_ms.p50", "TTFT p50 (ms)", 2},
      {"ttft_ms.p99", "TTFT p99 (ms)", 2},
      {"tpot_ms.mean", "TPOT mean (ms)", 3},
      {"tpot_ms.p99", "TPOT p99 (ms)", 3},
      {"itl_ms.mean", "ITL mean (ms)", 3},
      {"itl_ms.p99", "ITL p99 (ms)", 3},
      {"e2e_ms.mean", "E2E mean (ms)", 1},
      {"e2e_ms.p50", "E2E p50 (ms)", 1},
      {"e2e_ms.p99", "E2E p99 (ms)", 1},
      {"queueing_ms.mean", "queueing mean (ms)", 2},
      {"throughput.requests_per_s", "requests/s", 3},
      {"throughput.output_tokens_per_s", "output tokens/s", 1},
      {"throughput.total_tokens_per_s", "total tokens/s", 1},
      {"completed", "completed", 1},
      {"rejected", "rejected", 1},
      {"preemptions", "preemptions", 1},
      {"cache_hit_rate", "cache hit rate", 4},
      {"kv.peak_usage", "KV peak usage", 4},
  };
  return metrics;
}

std::vector<double> metric_values(const report::RunSummary& s) {
  using L = metrics::LatencySummary;
  const report::BlockFigures& c = s.cluster;
  const metrics::BlockSummary& b = c.block;
  const double peak = c.kv_total_blocks > 0
                          ? static_cast<double>(c.kv_peak_blocks) / static_cast<double>(c.kv_total_blocks)
                          : kNone;
  return {
      field(b.ttft, &L::mean_ms),
      field(b.ttft, &L::p50_ms),
      field(b.ttft, &L::p99_ms),
      field(c.tpot, &L::mean_ms),
      field(c.tpot, &L::p99_ms),
      field(b.itl, &L::mean_ms),
      field(b.itl, &L::p99_ms),
      field(b.e2e, &L::mean_ms),
      field(b.e2e, &L::p50_ms),
      field(b.e2e, &L::p99_ms),
      field(b.scheduling_delay, &L::mean_ms),
      c.throughput.requests_per_s,
      c.throughput.output_tokens_per_s,
      c.throughput.total_tokens_per_s,
      static_cast<double>(b.completed),
      static_cast<double>(s.rejected),
      static_cast<double>(b.preemptions),
      c.cache_hit_rate,
      peak,
  };
}

}  // namespace blis::compare
