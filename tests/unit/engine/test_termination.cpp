// Termination and conservation in corrected mode (issue #12): 2,000 generated configurations
// whose KV caches are tight enough that requests are preempted again and again, run with no
// horizon on 1-4 instances, every instance scheduler and priority policy, with and without the
// tiered CPU cache, with and without chunked prefill. Every run must finish with every request
// completed or dropped as unservable, and the invariants of engine-core §10.1 (INV-1..INV-8)
// must hold. A run that does not finish fails the test (an event cap), it does not hang CI.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include "engine/cluster/cluster_simulation.h"
#include "engine/config/run_config.h"
#include "engine/core/error.h"
#include "engine/core/go_rand.h"
#include "engine/metrics/run_report.h"

namespace {

using blis::Tick;

// Far more events than any generated run needs (a few hundred thousand at most): reaching it
// means the run does not terminate.
constexpr int64_t kEventCap = 20'000'000;

class Watcher final : public blis::instance::StepObserver {
 public:
  explicit Watcher(size_t instances, int64_t total_blocks) : queued(instances, 0), total_blocks_(total_blocks) {}

  void on_event(int instance, const blis::instance::InstanceEvent& e, const std::deque<blis::Request>&) override {
    if (++events > kEventCap) throw blis::Error("event cap reached: the run does not terminate");
    if (e.time < last_time_) ++clock_regressions;  // INV-3
    last_time_ = e.time;
    if (e.kind == blis::instance::EventKind::Queued) ++queued[static_cast<size_t>(instance)];
  }
  void on_step(int, Tick, Tick, int64_t used, const std::vector<blis::RequestIndex>& batch, const std::vector<int64_t>&,
               const std::deque<blis::RequestIndex>& wait_queue, const std::deque<blis::Request>& requests) override {
    if (used < 0 || used > total_blocks_) ++kv_violations;  // INV-4
    for (auto r : batch) {  // INV-2
      if (requests[static_cast<size_t>(r)].state != blis::RequestState::Running) ++lifecycle_violations;
    }
    for (auto r : wait_queue) {
      if (requests[static_cast<size_t>(r)].state != blis::RequestState::Queued) ++lifecycle_violations;
    }
  }
  void on_step_end(int, Tick, size_t wait_queue_size, bool step_pending) override {
    if (wait_queue_size > 0 && !step_pending) ++work_conservation_violations;  // INV-8
  }

  std::vector<int64_t> queued;
  int64_t events = 0, clock_regressions = 0, kv_violations = 0, lifecycle_violations = 0,
          work_conservation_violations = 0;

 private:
  int64_t total_blocks_;
  Tick last_time_ = INT64_MIN;
};

// Admits everything and checks what the policies see against the live instances (INV-7).
class FreshnessSpy final : public blis::cluster::ExternalAdmission {
 public:
  const std::string& name() const override { return name_; }
  blis::cluster::AdmissionVerdict admit(const blis::cluster::DecisionContext& ctx) override {
    const auto& instances = sim->instances();
    for (size_t i = 0; i < instances.size(); ++i) {
      if (ctx.snapshots[i].queue_depth != static_cast<int64_t>(instances[i]->wait_queue_size())) ++violations;
      if (ctx.snapshots[i].batch_size != static_cast<int64_t>(instances[i]->running_size())) ++violations;
      if (ctx.snapshots[i].pending != sim->pending()[i]) ++violations;
    }
    return {true, ""};
  }
  const blis::cluster::ClusterSimulation* sim = nullptr;
  int64_t violations = 0;

 private:
  std::string name_ = "freshness-spy";
};

struct Generated {
  blis::config::ScenarioSpec spec;
  std::shared_ptr<FreshnessSpy> spy;
};

Generated generate(blis::core::GoRand& g) {
  Generated out;
  blis::config::ScenarioSpec& spec = out.spec;
  spec.compat_mode = "corrected";
  spec.model = "generated";
  spec.alpha = std::vector<double>{static_cast<double>(g.intn(2000)), static_cast<double>(g.intn(5)),
                                   static_cast<double>(g.intn(4000))};
  spec.beta = std::vector<double>{static_cast<double>(1000 + g.intn(8000)), static_cast<double>(g.intn(30)),
                                  static_cast<double>(g.intn(20))};
  spec.seed = g.int63();
  spec.instances = 1 + g.intn(4);
  const int64_t block = 1 + g.intn(32);
  spec.block_size_tokens = block;
  const int64_t prompt_max = 2 + g.intn(800), output_max = 2 + g.intn(400);
  // Tight: from half of what the largest request needs (those are dropped as unservable) to a
  // few largest requests' worth, so running requests keep evicting each other.
  const int64_t largest = (prompt_max + output_max + block - 1) / block;
  spec.kv_blocks = std::max<int64_t>(1, largest / 2 + g.intn(largest * 3 + 1));
  spec.max_running = 1 + g.intn(64);
  spec.max_batched_tokens = 1 + g.intn(2048);
  spec.long_prefill_threshold = g.intn(2) == 0 ? 1 + g.intn(512) : 0;
  static const char* const kSchedulers[] = {"fcfs", "priority-fcfs", "sjf", "reverse-priority"};
  static const char* const kPriorities[] = {"constant", "slo-based", "inverted-slo"};
  spec.scheduler = kSchedulers[g.intn(4)];
  spec.priority_policy = kPriorities[g.intn(3)];
  if (g.intn(3) == 0) {
    spec.kv_cpu_blocks = 1 + g.intn(400);
    spec.kv_offload_threshold = g.float64();
    spec.kv_transfer_base_latency_us = g.intn(50);
  }
  static const char* const kRouting[] = {"round-robin", "least-loaded", "prefix-affinity", "weighted"};
  spec.routing_policy = kRouting[g.intn(4)];
  if (g.intn(2) == 0) {
    out.spy = std::make_shared<FreshnessSpy>();
    spec.external_admission = out.spy;
  }
  spec.workload.kind = "distribution";
  spec.workload.rate = 1.0 + static_cast<double>(g.intn(300));
  spec.workload.requests = 5 + g.intn(40);
  spec.workload.prefix_tokens = g.intn(3) == 0 ? g.intn(200) : 0;
  spec.workload.prompt_tokens = {prompt_max / 2, prompt_max / 4 + 1, 1, prompt_max};
  spec.workload.output_tokens = {output_max / 2, output_max / 4 + 1, 1, output_max};
  return out;
}

const blis::DiagnosticSink quiet = [](blis::LogLevel, const std::string&) {};

}  // namespace

TEST_CASE("corrected mode: 2,000 tight-KV configurations without a horizon terminate and keep INV-1..INV-8") {
  blis::core::GoRand g(20261204);
  int64_t preempted_runs = 0, tiered_runs = 0, dropped_runs = 0;
  for (int n = 0; n < 2000; ++n) {
    Generated gen = generate(g);
    CAPTURE(n);
    const blis::config::RunConfig config = blis::config::resolve(gen.spec, quiet);
    REQUIRE(config.horizon == blis::kInfiniteHorizon);
    Watcher watcher(static_cast<size_t>(config.num_instances), config.kv_blocks);
    blis::cluster::ClusterSimulation sim(config, quiet);
    sim.set_observer(&watcher);
    if (gen.spy) gen.spy->sim = &sim;
    REQUIRE_NOTHROW(sim.run());

    int64_t routed = 0, completed = 0, preemptions = 0, dropped = 0;
    for (const blis::Request& r : sim.requests()) {
      if (r.instance >= 0) ++routed;
      if (r.completed) {
        ++completed;
        CHECK(r.state == blis::RequestState::Completed);  // INV-2
      }
      if (r.has_scheduling_delay) CHECK(r.scheduling_delay >= 0);  // INV-5
      if (r.completed && r.has_ttft) {
        CHECK(r.first_token_time >= r.scheduling_delay);
        CHECK(r.e2e >= r.first_token_time);
      }
    }
    int64_t queued = 0;
    for (size_t i = 0; i < sim.instances().size(); ++i) {
      const auto& inst = *sim.instances()[i];
      const auto& k = inst.counters();
      // Termination: nothing is left waiting or running, and nothing is pending.
      CHECK(inst.wait_queue_size() == 0);
      CHECK(inst.running_size() == 0);
      CHECK(sim.pending()[i] == 0);
      // INV-1: what reached the wait queue completed or was dropped as unservable.
      CHECK(k.completed + k.dropped_unservable == watcher.queued[i]);
      // INV-4: every block came back; none leaked.
      CHECK(inst.kv().used_blocks() == 0);
      CHECK(inst.kv().leaked_blocks() == 0);
      queued += watcher.queued[i];
      preemptions += k.preemptions;
      dropped += k.dropped_unservable;
    }
    CHECK(routed == queued);            // INV-1 across the pipeline
    CHECK(completed + dropped == routed);
    CHECK(watcher.clock_regressions == 0);            // INV-3
    CHECK(watcher.kv_violations == 0);                // INV-4
    CHECK(watcher.lifecycle_violations == 0);         // INV-2
    CHECK(watcher.work_conservation_violations == 0); // INV-8
    if (gen.spy) CHECK(gen.spy->violations == 0);    // INV-7
    preempted_runs += preemptions > 0 ? 1 : 0;
    dropped_runs += dropped > 0 ? 1 : 0;
    tiered_runs += config.tiered.cpu_blocks > 0 ? 1 : 0;
  }
  // The configurations really are under KV pressure.
  CHECK(preempted_runs > 500);
  CHECK(dropped_runs > 100);
  CHECK(tiered_runs > 400);
}

TEST_CASE("corrected mode, INV-6: tight-KV runs print byte-identical output twice") {
  blis::core::GoRand g(77);
  for (int n = 0; n < 30; ++n) {
    Generated gen = generate(g);
    gen.spec.external_admission = nullptr;
    const blis::config::RunConfig config = blis::config::resolve(gen.spec, quiet);
    std::string first, second;
    for (std::string* out : {&first, &second}) {
      blis::cluster::ClusterSimulation sim(config, quiet);
      sim.run();
      *out = blis::metrics::build_report(sim, config, quiet).stdout_text;
    }
    CHECK(first == second);
  }
}

TEST_CASE("tiered_retry_progress: configuration 1118 crashes the reference's tiered retry, corrected runs it") {
  blis::core::GoRand g(20261204);
  Generated gen = generate(g);
  for (int n = 0; n < 1118; ++n) gen = generate(g);
  gen.spec.external_admission = nullptr;
  for (const bool corrected : {false, true}) {
    CAPTURE(corrected);
    // Reference mode with only this switch changed.
    gen.spec.compat_mode = "reference";
    gen.spec.compat_overrides = {{"tiered_retry_progress", corrected}};
    gen.spec.horizon_us = 1'000'000'000;
    const blis::config::RunConfig config = blis::config::resolve(gen.spec, quiet);
    blis::cluster::ClusterSimulation sim(config, quiet);
    if (corrected) {
      // Past the retry, the reference's other defects still stop this run (its block leak).
      CHECK_THROWS_WITH(sim.run(), doctest::Contains("the reference's KV block leak, engine-core §5.6"));
    } else {
      CHECK_THROWS_WITH(sim.run(), doctest::Contains("the reference crashes here"));
    }
  }
}

// (step_pending_on_queue, no_step_after_drop, decode_needs_reservation and tiered_retry_progress
// have their own vectors in test_instance_corrections.cpp and above: they need simultaneous
// arrivals, fully cached prompts or rarer cases than these workloads produce.)
TEST_CASE("every step-loop correction changes some tight-KV run on its own") {
  for (const std::string name : {"kv_rollback_leak", "phase_a_skips_evicted", "drop_requests_that_never_fit",
                                 "single_completion_itl",
                                 "count_first_output_token"}) {
    CAPTURE(name);
    blis::core::GoRand g(31337);
    bool changed = false;
    for (int n = 0; n < 100 && !changed; ++n) {
      Generated gen = generate(g);
      gen.spec.external_admission = nullptr;
      gen.spec.horizon_us = 20'000'000;  // the reference may livelock
      gen.spec.compat_mode = "reference";
      std::string out[2];
      for (const bool on : {false, true}) {
        gen.spec.compat_overrides = {{name, on}};
        const blis::config::RunConfig config = blis::config::resolve(gen.spec, quiet);
        blis::cluster::ClusterSimulation sim(config, quiet);
        try {
          sim.run();
          out[on] = blis::metrics::build_report(sim, config, quiet).stdout_text;
        } catch (const blis::Error& e) {
          out[on] = e.what();
        }
      }
      changed = out[0] != out[1];
    }
    CHECK(changed);
  }
}

namespace {
// Records the free KV blocks the first admission decision sees on instance 0.
class FirstSnapshot final : public blis::cluster::ExternalAdmission {
 public:
  const std::string& name() const override { return name_; }
  blis::cluster::AdmissionVerdict admit(const blis::cluster::DecisionContext& ctx) override {
    if (first_free < 0) first_free = ctx.snapshots[0].free_kv_blocks;
    return {true, ""};
  }
  int64_t first_free = -1;

 private:
  std::string name_ = "first-snapshot";
};
}  // namespace

TEST_CASE("snapshot_kv_first_read: the first decision sees the KV cache, not zeros (cluster §A.6)") {
  for (const bool corrected : {false, true}) {
    CAPTURE(corrected);
    blis::config::ScenarioSpec spec;
    spec.compat_mode = "reference";
    spec.compat_overrides = {{"snapshot_kv_first_read", corrected}};
    spec.model = "generated";
    spec.alpha = std::vector<double>{100, 1, 50};
    spec.beta = std::vector<double>{1000, 10, 5};
    spec.kv_blocks = 500;
    spec.instances = 2;
    spec.snapshot_refresh_us = 1'000'000'000;
    auto spy = std::make_shared<FirstSnapshot>();
    spec.external_admission = spy;
    spec.workload.kind = "distribution";
    spec.workload.rate = 10;
    spec.workload.requests = 5;
    spec.workload.prompt_tokens = {100, 60, 50, 200};  // the reference range-checks the stdev (§8.4)
    spec.workload.output_tokens = {10, 6, 5, 20};
    const blis::config::RunConfig config = blis::config::resolve(spec, quiet);
    blis::cluster::ClusterSimulation sim(config, quiet);
    sim.run();
    CHECK(spy->first_free == (corrected ? 500 : 0));
  }
}
