// The cluster the reference's CLI always runs (cluster-workload-trace §A): a control plane of
// arrival -> admission -> routing events in front of N instances, one shared clock, the
// horizon rule (an event past the horizon ends the run unexecuted), snapshots for the policies,
// and the decision trace when asked for.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/cluster/admission.h"
#include "engine/cluster/cluster_observer.h"
#include "engine/cluster/router.h"
#include "engine/cluster/snapshot_provider.h"
#include "engine/config/run_config.h"
#include "engine/core/partitioned_rng.h"
#include "engine/instance/instance.h"
#include "engine/trace/decision_trace.h"
#include "engine/warning_limiter.h"
#include "engine/workload/request_source.h"
#include "engine/workload/trace_export.h"

namespace blis::cluster {

class ClusterSimulation {
 public:
  ClusterSimulation(const config::RunConfig& config, const DiagnosticSink& log);
  ~ClusterSimulation();

  void set_observer(instance::StepObserver* observer);
  // The run's data-out watcher (engine/output), null for none. Set before run().
  void set_cluster_observer(ClusterObserver* observer) { cluster_observer_ = observer; }
  // Runs to completion or to the horizon. Throws blis::Error for workload input errors, for
  // failing external policies (naming the policy and the simulated time) and for a reference-mode
  // run that stopped making progress. Either way the counts of rate-limited warnings come first.
  void run();

  const std::deque<Request>& requests() const { return requests_; }
  const std::vector<std::unique_ptr<instance::Instance>>& instances() const { return instances_; }
  int64_t rejected_requests() const { return rejected_; }
  // The decision trace; null unless trace level "decisions".
  const trace::DecisionTrace* trace() const { return trace_.get(); }
  std::shared_ptr<const trace::DecisionTrace> shared_trace() const { return trace_; }
  // SimEndedTime per instance: min(instance clock, horizon) (engine-core §1.7).
  Tick instance_end_time(size_t i) const;
  // The cluster clock: the time of the last processed event of either kind.
  Tick clock() const { return clock_; }
  // The run's workload as pulled (when config.workload_export is set; else null).
  workload::WorkloadRecorder* workload_recorder() const { return recorder_; }
  // Per instance: requests routed there whose Queued event has not run yet.
  const std::vector<int64_t>& pending() const { return pending_; }
  // Requests the horizon cut off before they reached a wait queue: routed but not yet queued
  // (in transit), or arrived but not yet admitted or routed (awaiting a decision). Set after the
  // run only with the horizon_in_flight correction; the reference counts them nowhere.
  struct InFlight {
    int64_t in_transit = 0, awaiting_decision = 0;
  };
  const std::optional<InFlight>& in_flight() const { return in_flight_; }

 private:
  enum class ControlKind : uint8_t { Admission = 1, Routing = 2 };
  struct ControlEvent {
    Tick time;
    int priority;
    int64_t seq;
    ControlKind kind;
    RequestIndex request;
  };
  struct Later {
    bool operator()(const ControlEvent& a, const ControlEvent& b) const {
      if (a.time != b.time) return a.time > b.time;
      if (a.priority != b.priority) return a.priority > b.priority;
      return a.seq > b.seq;
    }
  };

  bool pull_arrival();
  void on_cluster_arrival(RequestIndex r, Tick now);
  void on_admission(RequestIndex r, Tick now);
  void on_routing(RequestIndex r, Tick now);
  void push_control(Tick time, ControlKind kind, RequestIndex r);
  std::span<const RoutingSnapshot> build_state(Tick now);
  void simulate();
  void report_in_flight(bool cut_by_horizon);

  const config::RunConfig& config_;
  WarningLimiter limiter_;     // repeated run-time warnings are counted, not repeated
  const DiagnosticSink& log_;  // limiter_'s sink: the engine logs through it
  core::PartitionedRng rng_;
  std::unique_ptr<workload::RequestSource> source_;
  workload::WorkloadRecorder* recorder_ = nullptr;  // inside source_ when exporting
  std::deque<Request> requests_;
  std::vector<std::unique_ptr<instance::Instance>> instances_;

  std::vector<ControlEvent> control_;  // a heap ordered by Later
  int64_t next_seq_ = 0;
  bool has_pending_arrival_ = false;
  RequestIndex pending_arrival_ = -1;
  workload::GeneratedRequest scratch_;
  Tick clock_ = 0;

  Admission admission_;
  Router router_;
  SnapshotProvider snapshots_;
  std::vector<int64_t> pending_;  // per instance: routed, Queued event not yet executed
  int64_t rejected_ = 0;
  std::optional<InFlight> in_flight_;
  std::shared_ptr<trace::DecisionTrace> trace_;
  ClusterObserver* cluster_observer_ = nullptr;
};

}  // namespace blis::cluster
