// One simulated vLLM server (engine-core §1–§3): its own Go-ordered event heap, wait queue,
// running batch, KV cache and per-instance counters. The step loop lives here.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "engine/batch/queue_order.h"
#include "engine/core/corrections.h"
#include "engine/core/event_heap.h"
#include "engine/instance/progress_watch.h"
#include "engine/instance/step_latency_log.h"
#include "engine/kv/kv_cache.h"
#include "engine/latency/latency_model.h"
#include "engine/metrics/tick_histogram.h"
#include "engine/request/request.h"
#include "engine/simulation.h"

namespace blis::instance {

struct InstanceConfig {
  int64_t max_scheduled_tokens = 2048;
  int64_t max_running_requests = 256;
  int64_t long_prefill_threshold = 0;
  int64_t max_model_len = 0;  // 0: not enforced (the reference never enforces it)
  batch::PriorityPolicy priority = batch::PriorityPolicy::Constant;
  batch::Scheduler scheduler = batch::Scheduler::Fcfs;
  // Which of the reference's defects this instance corrects (engine/core/corrections.h).
  core::Corrections corrections;
};

enum class EventKind : uint8_t { Arrival, Queued, Step, Scheduled, Preemption, RequestLeft };

struct InstanceEvent {
  Tick time;
  EventKind kind;
  RequestIndex request;  // -1 for Step
};

// Counters of engine-core §7.1 kept per instance.
struct InstanceCounters {
  int64_t completed = 0;
  int64_t total_input_tokens = 0;
  int64_t total_output_tokens = 0;
  // Prompt tokens scheduled for computation (prefill chunks, recomputation after a preemption
  // included; prefix-cache hits excluded). Read only by the time series (engine/output).
  int64_t prefill_tokens = 0;
  int64_t preemptions = 0;
  int64_t kv_allocation_failures = 0;
  int64_t dropped_unservable = 0;
  Tick ttft_sum = 0;
  int64_t peak_kv_blocks = 0;
  double kv_blocks_integral = 0;
  int64_t steps = 0;
  int64_t wait_queue_samples_sum = 0;  // per-step wait-queue lengths (HOL-blocking detector)
  // ITL entries of completed requests beyond their decode steps: the duplicated completion entry.
  metrics::TickHistogram itl_completion_entries;
};

// Receives engine-level observations (one line per event / step), for debugging divergences
// against the reference's event traces. Null = off (the default, zero cost).
class StepObserver {
 public:
  virtual ~StepObserver() = default;
  virtual void on_event(int instance, const InstanceEvent& e, const std::deque<Request>& requests) = 0;
  virtual void on_step(int instance, Tick now, Tick step_time, int64_t used_blocks,
                       const std::vector<RequestIndex>& batch, const std::vector<int64_t>& progress_before,
                       const std::deque<RequestIndex>& wait_queue, const std::deque<Request>& requests) = 0;
  // After a step has scheduled (or not) its successor: INV-8 says a non-empty wait queue always
  // has a Step pending.
  virtual void on_step_end(int instance, Tick now, size_t wait_queue_size, bool step_pending) {
    (void)instance, (void)now, (void)wait_queue_size, (void)step_pending;
  }
};

class Instance {
 public:
  Instance(int index, const InstanceConfig& config, std::unique_ptr<kv::KvCache> kv,
           const latency::LatencyModel& latency, std::deque<Request>& requests,
           const DiagnosticSink& log);

  int index() const { return index_; }
  std::string id() const { return "instance_" + std::to_string(index_); }

  bool has_event() const { return !heap_.empty(); }
  Tick next_event_time() const { return heap_.top().time; }
  // Pops and executes the earliest event; the instance clock becomes its time. Returns it.
  InstanceEvent execute_next_event();
  // Routing injected a request (engine-core §1.6): push its Arrival at `now`.
  void inject(RequestIndex r, Tick now);

  Tick clock() const { return clock_; }
  size_t wait_queue_size() const { return wait_queue_.size(); }
  size_t running_size() const { return running_.size(); }
  const kv::KvCache& kv() const { return *kv_; }
  const InstanceCounters& counters() const { return counters_; }
  // Every ITL entry of the requests completed here (engine-core §7.1).
  metrics::TickHistogram itl_histogram() const;
  void set_observer(StepObserver* observer) { observer_ = observer; }

 private:
  void on_queued(RequestIndex r, Tick now);
  void step(Tick now);
  bool reserve(RequestIndex r, int64_t tokens);
  // Corrected preemption (instance/resume.cpp): where a request's prefill ends (the prompt, or
  // prompt + generated tokens for a resumed one), KV allocation over such a range, what a
  // preemption keeps, and whether a re-admission / re-prefill takes the scheduling delay and the
  // first token again. resumes_from_reached() is the one read of the correction.
  int64_t prefill_end(const Request& r) const;
  bool allocate_prefill(Request& r, int64_t start, int64_t end, std::span<const kv::BlockId> cached);
  void keep_reached_tokens(Request& victim);
  bool resumes_from_reached() const;
  bool takes_scheduling_delay(const Request& r) const;
  bool takes_first_token(const Request& r) const;
  bool schedule_continuing(RequestIndex r, int64_t& budget);
  void check_progress(Tick now);
  kv::KvRequest kv_view(Request& r);
  void complete(Request& r, Tick now, Tick step_time, Tick output_time);
  void trim_step_log();

  int index_;
  InstanceConfig config_;
  std::unique_ptr<kv::KvCache> kv_;
  const latency::LatencyModel& latency_;
  std::deque<Request>& requests_;
  const DiagnosticSink& log_;
  StepObserver* observer_ = nullptr;

  core::GoEventHeap<InstanceEvent> heap_;
  Tick clock_ = 0;
  bool step_pending_ = false;  // the reference's stepEvent reference (§1.4)
  int64_t step_count_ = 0;

  std::deque<RequestIndex> wait_queue_;
  std::vector<RequestIndex> running_;
  InstanceCounters counters_;
  StepLatencyLog step_latencies_;
  ProgressWatch progress_watch_;

  // Scratch space reused by every step.
  std::vector<RequestIndex> batch_snapshot_;
  std::vector<RequestIndex> preempted_;
  std::vector<RequestIndex> admitted_;
  std::vector<RequestIndex> remaining_;
  std::vector<latency::StepMember> members_;
  std::vector<kv::BlockId> cached_;
  std::vector<int64_t> progress_before_;
  bool preempted_this_step_ = false;
};

}  // namespace blis::instance
