// The driver the reference's CLI always uses (engine-core §1.6): a control plane of
// arrival -> admission -> routing events in front of the instances, one shared clock, and the
// horizon rule (an event past the horizon ends the run unexecuted).
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/config/run_config.h"
#include "engine/core/partitioned_rng.h"
#include "engine/instance/instance.h"
#include "engine/workload/request_source.h"

namespace blis::cluster {

struct TraceTotals {
  int64_t admissions = 0;
  int64_t admitted = 0;
  int64_t rejected = 0;
  int64_t routings = 0;
  std::map<std::string, int64_t> target_distribution;  // ordered by instance id bytes
  double regret_sum = 0;
  double regret_max = 0;
};

class ClusterSimulation {
 public:
  ClusterSimulation(const config::RunConfig& config, const DiagnosticSink& log);
  ~ClusterSimulation();

  void set_observer(instance::StepObserver* observer);
  // Runs to completion or to the horizon. Throws blis::Error for workload input errors.
  void run();

  const std::deque<Request>& requests() const { return requests_; }
  const std::vector<std::unique_ptr<instance::Instance>>& instances() const { return instances_; }
  int64_t rejected_requests() const { return rejected_; }
  const TraceTotals& trace() const { return trace_; }
  // SimEndedTime per instance: min(instance clock, horizon) (engine-core §1.7).
  Tick instance_end_time(size_t i) const;

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
  bool admit(const Request& r, Tick now);
  void push_control(Tick time, ControlKind kind, RequestIndex r);

  const config::RunConfig& config_;
  const DiagnosticSink& log_;
  core::PartitionedRng rng_;
  std::unique_ptr<workload::RequestSource> source_;
  std::deque<Request> requests_;
  std::vector<std::unique_ptr<instance::Instance>> instances_;

  std::vector<ControlEvent> control_;  // a heap ordered by Later
  int64_t next_seq_ = 0;
  bool has_pending_arrival_ = false;
  RequestIndex pending_arrival_ = -1;
  workload::GeneratedRequest scratch_;

  double bucket_tokens_ = 0;
  Tick bucket_last_refill_ = 0;
  int64_t rejected_ = 0;
  size_t round_robin_next_ = 0;
  TraceTotals trace_;
};

}  // namespace blis::cluster
