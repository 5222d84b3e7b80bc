// The run's course over time for the HTML report's plots, kept in memory with a bounded number
// of points: per instance the queue depth, running batch and KV blocks in use (gauges, read at
// each sample), and the cluster's token and completion counters (their change between samples
// is the throughput). Samples are taken on a grid of simulated time like the time-series CSV's
// (engine/output/timeseries_sampler.h: before the first event at or past a boundary, adding no
// event); when the grid holds kMaxSamples samples, every other one is dropped and the interval
// doubles, so any run length ends with between kMaxSamples / 2 and kMaxSamples samples at
// evenly spaced times. The result depends only on the run.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/cluster/cluster_observer.h"
#include "engine/output/timeseries_sampler.h"

namespace blis::report::html {

struct SeriesSample {
  Tick time = 0;
  std::vector<output::InstanceSample> instances;  // gauges now; counters since the start
};

class RunSeries final : public cluster::ClusterObserver {
 public:
  static constexpr size_t kMaxSamples = 512;
  static constexpr Tick kFirstInterval = 10'000;  // 10 ms of simulated time

  RunSeries(size_t instances, output::SampleSource source);

  void before_event(Tick t) override {
    if (t >= next_) sample_through(t);
  }
  void on_arrival(RequestIndex) override {}
  void on_admission(RequestIndex, bool) override {}
  void on_instance_event(const instance::InstanceEvent&) override {}
  // Adds the final state at `end` (unless a sample is there already).
  void on_run_end(Tick end) override;

  // In time order; the first is the empty cluster at time 0.
  const std::vector<SeriesSample>& samples() const { return samples_; }
  Tick interval() const { return interval_; }

 private:
  void sample_through(Tick t);
  void take(Tick at, bool final);

  size_t instances_;
  output::SampleSource source_;
  Tick interval_ = kFirstInterval;
  Tick next_ = kFirstInterval;
  std::vector<SeriesSample> samples_;
};

}  // namespace blis::report::html
