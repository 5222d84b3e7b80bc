// The reference's invariants (engine-core §10.1) checked over generated single-instance
// configurations: conservation (INV-1), lifecycle (INV-2), clock monotonicity (INV-3), KV
// conservation (INV-4), causality (INV-5), determinism (INV-6) and work conservation (INV-8).
// INV-7 (snapshot freshness) concerns routing across instances and does not apply to one.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include "engine/cluster/cluster_simulation.h"
#include "engine/config/run_config.h"
#include "engine/core/error.h"
#include "engine/core/go_rand.h"
#include "engine/metrics/run_report.h"

namespace {

using blis::Tick;

class InvariantObserver final : public blis::instance::StepObserver {
 public:
  explicit InvariantObserver(int64_t total_blocks) : total_blocks_(total_blocks) {}

  void on_event(int, const blis::instance::InstanceEvent& e, const std::deque<blis::Request>&) override {
    if (e.time < last_time_) ++clock_regressions;
    last_time_ = e.time;
    if (e.kind == blis::instance::EventKind::Queued) ++queued_events;
  }
  void on_step(int, Tick, Tick, int64_t used, const std::vector<blis::RequestIndex>& batch,
               const std::vector<int64_t>&, const std::deque<blis::RequestIndex>& wait_queue,
               const std::deque<blis::Request>& requests) override {
    if (used < 0 || used > total_blocks_) ++kv_violations;
    for (auto r : batch) {
      if (requests[static_cast<size_t>(r)].state != blis::RequestState::Running) ++lifecycle_violations;
    }
    for (auto r : wait_queue) {
      if (requests[static_cast<size_t>(r)].state != blis::RequestState::Queued) ++lifecycle_violations;
    }
  }
  void on_step_end(int, Tick, size_t wait_queue_size, bool step_pending) override {
    if (wait_queue_size > 0 && !step_pending) ++work_conservation_violations;
  }

  int64_t clock_regressions = 0, queued_events = 0, kv_violations = 0, lifecycle_violations = 0,
          work_conservation_violations = 0;

 private:
  int64_t total_blocks_;
  Tick last_time_ = INT64_MIN;
};

blis::config::RunConfig generate(blis::core::GoRand& g) {
  blis::config::ScenarioSpec spec;
  spec.model = "generated";
  spec.alpha = std::vector<double>{static_cast<double>(g.intn(2000)), static_cast<double>(g.intn(5)),
                                   static_cast<double>(g.intn(4000))};
  spec.beta = std::vector<double>{static_cast<double>(1000 + g.intn(8000)), static_cast<double>(g.intn(30)),
                                  static_cast<double>(g.intn(20))};
  spec.seed = g.int63();
  spec.horizon_us = 30'000'000;
  spec.block_size_tokens = 1 + g.intn(32);
  spec.kv_blocks = 8 + g.intn(3000);
  spec.max_running = 1 + g.intn(64);
  spec.max_batched_tokens = 16 + g.intn(4096);
  spec.long_prefill_threshold = g.intn(3) == 0 ? g.intn(512) : 0;
  static const char* const kSchedulers[] = {"fcfs", "priority-fcfs", "sjf", "reverse-priority"};
  static const char* const kPriorities[] = {"constant", "slo-based", "inverted-slo"};
  spec.scheduler = kSchedulers[g.intn(4)];
  spec.priority_policy = kPriorities[g.intn(3)];
  if (g.intn(4) == 0) {
    spec.kv_cpu_blocks = 1 + g.intn(500);
    spec.kv_offload_threshold = g.float64();
    spec.kv_transfer_base_latency_us = g.intn(50);
  }
  spec.workload.kind = "distribution";
  spec.workload.rate = 1.0 + static_cast<double>(g.intn(200));
  spec.workload.requests = 5 + g.intn(60);
  spec.workload.prefix_tokens = g.intn(3) == 0 ? g.intn(300) : 0;
  const int64_t prompt_max = 2 + g.intn(1500), output_max = 1 + g.intn(600);
  spec.workload.prompt_tokens = {prompt_max / 2, prompt_max / 4 + 1, 1, prompt_max};
  spec.workload.output_tokens = {output_max / 2, output_max / 4 + 1, 1, output_max};
  return blis::config::resolve(spec, [](blis::LogLevel, const std::string&) {});
}

}  // namespace

TEST_CASE("INV-1..INV-8 hold over 200 generated single-instance configurations") {
  blis::core::GoRand g(20261123);
  const blis::DiagnosticSink quiet = [](blis::LogLevel, const std::string&) {};
  int checked = 0, reference_crashes = 0;
  for (int n = 0; checked < 200; ++n) {
    const blis::config::RunConfig config = generate(g);
    CAPTURE(n);
    InvariantObserver observer(config.kv_blocks);
    blis::cluster::ClusterSimulation sim(config, quiet);
    sim.set_observer(&observer);
    try {
      sim.run();
    } catch (const blis::Error& e) {
      // Configurations on which the reference itself crashes end with a clear error instead.
      REQUIRE(std::string(e.what()).find("the reference crashes here") != std::string::npos);
      ++reference_crashes;
      continue;
    }
    ++checked;
    const auto& inst = *sim.instances()[0];
    const auto& k = inst.counters();

    // INV-1: every request that reached its Queued event is completed, queued, running or dropped.
    CHECK(k.completed + static_cast<int64_t>(inst.wait_queue_size() + inst.running_size()) + k.dropped_unservable ==
          observer.queued_events);
    // INV-2: the states match the containers at every step, and completed requests stay completed.
    CHECK(observer.lifecycle_violations == 0);
    int64_t completed = 0;
    for (const blis::Request& r : sim.requests()) {
      if (r.completed) {
        ++completed;
        CHECK(r.state == blis::RequestState::Completed);
      }
    }
    CHECK(completed == k.completed);
    // INV-3: time never runs backwards (all latencies here are non-negative).
    CHECK(observer.clock_regressions == 0);
    // INV-4: blocks in use never exceed the cache.
    CHECK(observer.kv_violations == 0);
    CHECK(inst.kv().used_blocks() <= inst.kv().total_capacity());
    // INV-5: arrival <= scheduling <= first token <= completion, per request.
    for (const blis::Request& r : sim.requests()) {
      if (r.has_scheduling_delay) CHECK(r.scheduling_delay >= 0);
      if (r.completed && r.has_ttft) {
        CHECK(r.first_token_time >= r.scheduling_delay);
        CHECK(r.e2e >= r.first_token_time);
      }
    }
    // INV-8: a non-empty wait queue always has a step scheduled.
    CHECK(observer.work_conservation_violations == 0);
  }
  CHECK(reference_crashes < 20);
}

TEST_CASE("INV-6: the same configuration and seed print byte-identical output") {
  blis::core::GoRand g(7);
  const blis::DiagnosticSink quiet = [](blis::LogLevel, const std::string&) {};
  for (int n = 0; n < 20; ++n) {
    const blis::config::RunConfig config = generate(g);
    std::string first, second;
    for (std::string* out : {&first, &second}) {
      blis::cluster::ClusterSimulation sim(config, quiet);
      sim.run();
      *out = blis::metrics::build_report(sim, config, quiet).stdout_text;
    }
    CHECK(first == second);
  }
}
