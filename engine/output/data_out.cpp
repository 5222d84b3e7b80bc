#include "engine/output/data_out.h"

#include "engine/core/error.h"

namespace blis::output {

SampleSource instance_samples(const cluster::ClusterSimulation& sim) {
  const auto& instances = sim.instances();
  return [&instances](std::vector<InstanceSample>& out) {
    for (size_t i = 0; i < instances.size(); ++i) {
      const instance::Instance& inst = *instances[i];
      const instance::InstanceCounters& c = inst.counters();
      InstanceSample& s = out[i];
      s.queue_depth = static_cast<int64_t>(inst.wait_queue_size());
      s.running = static_cast<int64_t>(inst.running_size());
      s.kv_blocks_used = inst.kv().used_blocks();
      s.kv_blocks_total = inst.kv().total_capacity();
      s.cache_hit_blocks = inst.kv().cache_hit_blocks();
      s.prefill_tokens = c.prefill_tokens;
      s.output_tokens = c.total_output_tokens;
      s.completed = c.completed;
      s.dropped = c.dropped_unservable;
    }
  };
}

std::unique_ptr<DataOut> DataOut::open(const config::RunConfig& config, const cluster::ClusterSimulation& sim) {
  if (config.requests_csv.empty() && config.timeseries.empty()) return nullptr;
  return std::make_unique<DataOut>(config, sim);
}

DataOut::DataOut(const config::RunConfig& config, const cluster::ClusterSimulation& sim) : sim_(sim) {
  if (!config.requests_csv.empty()) requests_.emplace(config.requests_csv);
  if (!config.timeseries.empty()) {
    timeseries_.emplace(config.timeseries, config.timeseries_interval, sim.instances().size(), instance_samples(sim));
  }
}

void DataOut::on_arrival(RequestIndex r) {
  if (timeseries_) timeseries_->count_arrival();
  if (!requests_) return;
  const auto index = static_cast<size_t>(r);
  if (index >= stage_.size()) stage_.resize(index + 1, kNotArrived);
  stage_[index] = kArrived;
}

void DataOut::on_admission(RequestIndex r, bool admitted) {
  if (timeseries_) timeseries_->count_admission(admitted);
  if (requests_ && !admitted) write_request(r, Outcome::Rejected);
}

void DataOut::on_instance_event(const instance::InstanceEvent& e) {
  if (!requests_) return;
  if (e.kind == instance::EventKind::Queued) {
    // A routed request is registered; its Queued event unregisters it when it drops it.
    if (!sim_.requests()[static_cast<size_t>(e.request)].registered) {
      write_request(e.request, Outcome::DroppedUnservable);
    } else {
      stage_[static_cast<size_t>(e.request)] = e.time;
    }
  } else if (e.kind == instance::EventKind::RequestLeft) {
    write_request(e.request, Outcome::Completed);
  }
}

void DataOut::write_request(RequestIndex r, Outcome outcome) {
  Tick& stage = stage_[static_cast<size_t>(r)];
  if (stage == kWritten) return;
  const Tick enqueued = stage == kArrived || stage == kNotArrived ? RequestsCsvWriter::kNoTime : stage;
  requests_->write(sim_.requests()[static_cast<size_t>(r)], enqueued, outcome);
  stage = kWritten;
}

// A request not written yet when the run ends: where it stood.
Outcome DataOut::outcome_at_end(RequestIndex r) const {
  const Request& request = sim_.requests()[static_cast<size_t>(r)];
  const Tick stage = stage_[static_cast<size_t>(r)];
  if (request.completed) return Outcome::Completed;  // its RequestLeft event was past the horizon
  if (stage == kArrived) return request.instance < 0 ? Outcome::AwaitingDecision : Outcome::InTransit;
  return request.state == RequestState::Running ? Outcome::StillRunning : Outcome::StillQueued;
}

void DataOut::on_run_end(Tick end) {
  if (timeseries_) timeseries_->finish(end);
  if (!requests_) return;
  for (size_t i = 0; i < stage_.size(); ++i) {
    if (stage_[i] == kNotArrived || stage_[i] == kWritten) continue;
    const auto r = static_cast<RequestIndex>(i);
    write_request(r, outcome_at_end(r));
  }
}

std::vector<std::string> DataOut::commit() {
  std::vector<std::string> errors;
  const auto publish = [&errors](auto& file) {
    if (!file) return;
    try {
      file->commit();
    } catch (const Error& e) {
      errors.push_back(e.what());
    }
  };
  publish(requests_);
  publish(timeseries_);
  return errors;
}

}  // namespace blis::output
