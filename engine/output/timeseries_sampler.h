// The time series (`--timeseries`, export.timeseries): every `interval` of simulated time, one
// CSV row per instance and one for the cluster. Sampling adds no event and reads state only: the
// cluster loop calls before_event(t) before it processes an event at t, and the rows of every
// boundary <= t not yet written are written then, showing the state just before that event.
// Columns and units: docs/user-guide.md, "Data out".
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/ticks.h"
#include "engine/output/csv_text.h"

namespace blis::output {

// One instance as the sampler reads it: gauges (now) and counters (totals since the start; the
// rows show their change over the interval).
struct InstanceSample {
  int64_t queue_depth = 0;
  int64_t running = 0;
  int64_t kv_blocks_used = 0;
  int64_t kv_blocks_total = 0;
  int64_t cache_hit_blocks = 0;
  int64_t prefill_tokens = 0;
  int64_t output_tokens = 0;
  int64_t completed = 0;
  int64_t dropped = 0;
};

// Fills one sample per instance, in instance order.
using SampleSource = std::function<void(std::vector<InstanceSample>&)>;

extern const std::string_view kTimeseriesHeader;

class TimeseriesSampler {
 public:
  // Opens the file (throws blis::Error naming it) and writes the header. `interval` > 0.
  TimeseriesSampler(const std::string& path, Tick interval, size_t instances, SampleSource source);

  // An event at `t` is about to be processed.
  void before_event(Tick t) {
    if (t >= next_boundary_) write_through(t);
  }
  void count_arrival() { ++arrivals_; }
  void count_admission(bool admitted) { ++(admitted ? admitted_ : rejected_); }
  // The run ended at `end`: the rows of every boundary before it not yet written, then the rows
  // of the interval the run ended in, at the first boundary not yet written (>= end), showing
  // the final state.
  void finish(Tick end);
  void commit() { file_.commit(); }

 private:
  struct ClusterCounts {
    int64_t arrivals = 0, admitted = 0, rejected = 0;
  };
  void write_through(Tick t);
  void write_rows(Tick at);
  void advance();

  CsvFile file_;
  Tick interval_;
  Tick next_boundary_;
  SampleSource source_;
  std::vector<InstanceSample> now_, before_;  // this boundary's reading, the previous one's
  int64_t arrivals_ = 0, admitted_ = 0, rejected_ = 0;
  ClusterCounts counted_;  // the cluster counts at the previous boundary
};

}  // namespace blis::output
