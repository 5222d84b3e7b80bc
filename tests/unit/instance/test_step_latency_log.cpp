// The per-instance step latency log: range sums, counted ITL entries, and trimming that never
// changes either.
#include <doctest/doctest.h>

#include "engine/core/go_rand.h"
#include "engine/instance/step_latency_log.h"

using blis::instance::StepLatencyLog;

namespace {

std::vector<std::pair<blis::Tick, int64_t>> histogram_of(const StepLatencyLog& log) {
  blis::metrics::TickHistogram h;
  log.add_counted_to(h);
  return h.sorted_runs();
}

}  // namespace

TEST_CASE("step latency log: sums wrap like int64 and counts cover [from, to)") {
  StepLatencyLog log;
  log.record(5);
  log.record(INT64_MAX);
  log.record(7);
  CHECK(log.sum(0, 1) == 5);
  CHECK(log.sum(1, 3) == static_cast<blis::Tick>(static_cast<uint64_t>(INT64_MAX) + 7));
  log.count(0, 2);
  log.count(2, 3);
  const auto h = histogram_of(log);
  REQUIRE(h.size() == 3);
  CHECK(h[0] == std::pair<blis::Tick, int64_t>{5, 1});
  CHECK(h[1] == std::pair<blis::Tick, int64_t>{7, 1});
}

TEST_CASE("step latency log: trimming steps no live range reaches changes no sum and no count") {
  blis::core::GoRand g(11);
  StepLatencyLog trimmed, plain;
  struct Range { int64_t from, to; };
  std::vector<Range> open;  // live ranges: [from, current)
  for (int step = 0; step < 20000; ++step) {
    const blis::Tick latency = 1 + g.intn(50);
    trimmed.record(latency);
    plain.record(latency);
    if (g.intn(4) == 0) open.push_back({step, -1});
    // Close some ranges: their sums must agree, and they are counted in both logs.
    for (size_t i = 0; i < open.size();) {
      if (g.intn(20) == 0) {
        const int64_t to = step + 1;
        CHECK(trimmed.sum(open[i].from, to) == plain.sum(open[i].from, to));
        trimmed.count(open[i].from, to);
        plain.count(open[i].from, to);
        open.erase(open.begin() + static_cast<std::ptrdiff_t>(i));
      } else {
        ++i;
      }
    }
    if (step % 997 == 0) {
      int64_t keep = trimmed.size();
      for (const Range& r : open) keep = std::min(keep, r.from);
      trimmed.trim(keep);
    }
  }
  CHECK(histogram_of(trimmed) == histogram_of(plain));
}
