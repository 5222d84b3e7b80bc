#include "engine/cluster/cluster_simulation.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "engine/core/error.h"
#include "engine/kv/block_store.h"
#include "engine/kv/tiered_cache.h"
#include "engine/workload/csv_trace_source.h"
#include "engine/workload/distribution_source.h"

namespace blis::cluster {

ClusterSimulation::ClusterSimulation(const config::RunConfig& config, const DiagnosticSink& log)
    : config_(config), log_(log), rng_(config.seed) {
  for (int i = 0; i < config.num_instances; ++i) {
    std::unique_ptr<kv::KvCache> kv;
    if (config.tiered.cpu_blocks > 0) {
      kv = std::make_unique<kv::TieredKvCache>(config.kv_blocks, config.block_size, config.tiered);
    } else {
      kv = std::make_unique<kv::BlockStore>(config.kv_blocks, config.block_size);
    }
    instances_.push_back(std::make_unique<instance::Instance>(i, config.instance, std::move(kv), *config.latency,
                                                              requests_, log_));
  }
  bucket_tokens_ = config.token_bucket_capacity;  // the bucket starts full
}

ClusterSimulation::~ClusterSimulation() = default;

void ClusterSimulation::set_observer(instance::StepObserver* observer) {
  for (auto& inst : instances_) inst->set_observer(observer);
}

Tick ClusterSimulation::instance_end_time(size_t i) const {
  return std::min(instances_[i]->clock(), config_.horizon);
}

void ClusterSimulation::push_control(Tick time, ControlKind kind, RequestIndex r) {
  control_.push_back({time, static_cast<int>(kind), next_seq_++, kind, r});
  std::push_heap(control_.begin(), control_.end(), Later());
}

// The next request of the workload becomes the pending ClusterArrival. All arrivals precede
// every other control event of the same tick (priority 0) and keep generation order, exactly
// as if they had all been pushed first (engine-core §1.6).
bool ClusterSimulation::pull_arrival() {
  if (!source_->next(scratch_)) {
    has_pending_arrival_ = false;
    return false;
  }
  if (scratch_.id < 0 || scratch_.id >= std::numeric_limits<RequestIndex>::max()) {
    throw Error(fmt::format("request index {} is out of range", scratch_.id));
  }
  const auto index = static_cast<size_t>(scratch_.id);
  if (index >= requests_.size()) requests_.resize(index + 1);
  Request& r = requests_[index];
  r.index = static_cast<RequestIndex>(scratch_.id);
  r.arrival = scratch_.arrival;
  r.input = std::move(scratch_.input);
  r.output = std::move(scratch_.output);
  r.input_len = static_cast<int64_t>(r.input.size());
  r.output_len = static_cast<int64_t>(r.output.size());
  r.slo_class = std::move(scratch_.slo_class);
  r.tenant_id = std::move(scratch_.tenant_id);
  pending_arrival_ = r.index;
  has_pending_arrival_ = true;
  return true;
}

void ClusterSimulation::run() {
  if (config_.workload == config::WorkloadKind::CsvTrace) {
    try {
      source_ = std::make_unique<workload::CsvTraceSource>(config_.trace_path, config_.horizon);
    } catch (const Error& e) {
      throw Error(std::string("Simulation failed: generating requests: ") + e.what());
    }
  } else {
    source_ = std::make_unique<workload::DistributionSource>(config_.distribution, rng_.for_subsystem("workload"));
  }
  pull_arrival();

  constexpr Tick kNever = std::numeric_limits<Tick>::max();
  while (true) {
    // Earliest control-plane candidate: the pending arrival (priority 0) or the heap top.
    Tick control_time = kNever;
    bool control_is_arrival = false;
    if (has_pending_arrival_) {
      control_time = requests_[static_cast<size_t>(pending_arrival_)].arrival;
      control_is_arrival = true;
    }
    if (!control_.empty() && (!control_is_arrival || control_.front().time < control_time)) {
      control_time = control_.front().time;
      control_is_arrival = false;
    }
    const bool has_control = has_pending_arrival_ || !control_.empty();
    // Earliest instance event; ties go to the lowest instance index.
    instance::Instance* next_instance = nullptr;
    for (auto& inst : instances_) {
      if (inst->has_event() && (next_instance == nullptr || inst->next_event_time() < next_instance->next_event_time())) {
        next_instance = inst.get();
      }
    }
    if (!has_control && next_instance == nullptr) break;
    // The control plane wins ties against instance events.
    if (has_control && (next_instance == nullptr || control_time <= next_instance->next_event_time())) {
      if (control_time > config_.horizon) break;
      if (control_is_arrival) {
        const RequestIndex r = pending_arrival_;
        pull_arrival();
        on_cluster_arrival(r, control_time);
      } else {
        std::pop_heap(control_.begin(), control_.end(), Later());
        const ControlEvent e = control_.back();
        control_.pop_back();
        if (e.kind == ControlKind::Admission) on_admission(e.request, e.time);
        else on_routing(e.request, e.time);
      }
    } else {
      if (next_instance->next_event_time() > config_.horizon) break;
      next_instance->execute_next_event();
    }
  }
}

void ClusterSimulation::on_cluster_arrival(RequestIndex r, Tick now) {
  push_control(wrap_add(now, config_.admission_latency), ControlKind::Admission, r);
}

bool ClusterSimulation::admit(const Request& r, Tick now) {
  switch (config_.admission) {
    case config::AdmissionPolicy::AlwaysAdmit:
      return true;
    case config::AdmissionPolicy::RejectAll:
      return false;
    case config::AdmissionPolicy::TokenBucket: {
      if (now - bucket_last_refill_ > 0) {
        bucket_tokens_ = std::min(config_.token_bucket_capacity,
                                  bucket_tokens_ + static_cast<double>(now - bucket_last_refill_) *
                                                       config_.token_bucket_refill_per_s / 1e6);
        bucket_last_refill_ = now;
      }
      const auto cost = static_cast<double>(r.input_len);
      if (bucket_tokens_ >= cost) {
        bucket_tokens_ -= cost;
        return true;
      }
      return false;
    }
  }
  return true;
}

void ClusterSimulation::on_admission(RequestIndex index, Tick now) {
  Request& r = requests_[static_cast<size_t>(index)];
  const bool admitted = admit(r, now);
  if (config_.trace_level == config::TraceLevel::Decisions) {
    ++trace_.admissions;
    ++(admitted ? trace_.admitted : trace_.rejected);
  }
  if (!admitted) {
    ++rejected_;
    std::vector<kv::Token>().swap(r.input);
    std::vector<kv::Token>().swap(r.output);
    return;
  }
  push_control(wrap_add(now, config_.routing_latency), ControlKind::Routing, index);
}

void ClusterSimulation::on_routing(RequestIndex index, Tick now) {
  Request& r = requests_[static_cast<size_t>(index)];
  // Round-robin; with one instance every policy picks instance_0.
  instance::Instance& target = *instances_[round_robin_next_ % instances_.size()];
  ++round_robin_next_;
  if (config_.trace_level == config::TraceLevel::Decisions) {
    ++trace_.routings;
    ++trace_.target_distribution[target.id()];
    // Counterfactual regret against the best-scored instance is 0 when the chosen one is the
    // only candidate.
  }
  r.registered = true;  // the per-request metrics record (arrived_at = ArrivalTime/1e6)
  target.inject(index, now);
}

}  // namespace blis::cluster
