// The run's data out: the requests CSV and the time series, fed by the cluster loop through
// cluster::ClusterObserver. Created only when the run asks for one of them, so a run without
// them pays one null-pointer test per event. Both files are opened before the run (a path that
// cannot be written fails at once) and published by commit() after it; a run that fails leaves
// neither behind (core::AtomicFileWriter).
#pragma once

#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/cluster/cluster_observer.h"
#include "engine/cluster/cluster_simulation.h"
#include "engine/config/run_config.h"
#include "engine/output/requests_csv_writer.h"
#include "engine/output/timeseries_sampler.h"

namespace blis::output {

// Reads every instance of `sim` as the time series samples it (also the HTML report's series).
SampleSource instance_samples(const cluster::ClusterSimulation& sim);

class DataOut final : public cluster::ClusterObserver {
 public:
  // Null when `config` asks for neither file. Throws blis::Error for a path that cannot be written.
  static std::unique_ptr<DataOut> open(const config::RunConfig& config, const cluster::ClusterSimulation& sim);

  DataOut(const config::RunConfig& config, const cluster::ClusterSimulation& sim);

  void before_event(Tick t) override {
    if (timeseries_) timeseries_->before_event(t);
  }
  void on_arrival(RequestIndex r) override;
  void on_admission(RequestIndex r, bool admitted) override;
  void on_instance_event(const instance::InstanceEvent& e) override;
  void on_run_end(Tick end) override;

  // Publishes both files; one message per file that could not be written ("cannot write ...").
  std::vector<std::string> commit();

 private:
  // Per request, by index: not arrived, arrived (not queued), written, or the time it entered
  // its wait queue (8 bytes a request; rows themselves are never kept).
  static constexpr Tick kNotArrived = std::numeric_limits<Tick>::min();
  static constexpr Tick kArrived = kNotArrived + 1;
  static constexpr Tick kWritten = kNotArrived + 2;
  void write_request(RequestIndex r, Outcome outcome);
  Outcome outcome_at_end(RequestIndex r) const;

  const cluster::ClusterSimulation& sim_;
  std::optional<RequestsCsvWriter> requests_;
  std::optional<TimeseriesSampler> timeseries_;
  std::vector<Tick> stage_;  // only with the requests CSV
};

}  // namespace blis::output
