// Benchmark: llama-3.1-8b on H100s at TP 1 (trained coefficients), 132139 KV blocks per
// instance, the default distribution workload (512/512 tokens). Reports wall time, simulated
// requests per second and peak memory.
//
//   single (default): one instance at 20 req/s, which keeps about 110 requests running
//   cluster: 8 instances behind weighted routing with the default scorers, at 80 req/s
//   cluster-lua: the same with the Lua versions of those scorers (scripts/scorers/*.lua; run
//                from the repository root)
//   servegen: 8 instances, weighted routing, a ServeGen-style WorkloadSpec — four clients with
//             gamma arrivals, Pareto-lognormal prompts and exponential outputs, 80 req/s
//
//   build/blis_bench                 # single instance, 100,000 requests
//   build/blis_bench 10000           # the comparison run against the reference
//   build/blis_bench cluster 10000   # the cluster comparison run
//   build/blis_bench cluster-lua 10000
//   build/blis_bench servegen 1000000
//   physics / cluster-physics: single / cluster with the physics latency model (llama-3.1-8b-instruct
//             on H100-SXM, TP 1, model_configs/physics/default.yaml; run from the repository root)
//   shadow / cluster-shadow: single / cluster with blackbox dynamics, the physics model evaluated
//             on every step as well (its result discarded): the physics model's cost on an
//             identical simulation, against build/blis_bench N / cluster N
//   latency: the step-time call alone, blackbox vs physics, on the same 128-member batches (ns/step)
//
//   build/blis_bench physics 10000   # compare with build/blis_bench 10000
//   build/blis_bench cluster-physics 10000
//   build/blis_bench shadow 10000    # the physics model's own cost, same dynamics
//   build/blis_bench latency 1000000 # step_time calls per model
#include <sys/resource.h>

#include <chrono>
#include <functional>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <lua.hpp>

#include "bindings/lua_policies.h"
#include "bindings/lua_vm.h"
#include "engine/catalog/gpu_catalog.h"
#include "engine/latency/blackbox_model.h"
#include "engine/latency/physics/physics_model.h"
#include "engine/cluster/cluster_simulation.h"
#include "engine/metrics/run_report.h"
#include "engine/simulation.h"

namespace {

// ns per step_time() call of each model over `calls` calls cycling through batches of 128
// members, a quarter of them prefill chunks, like a busy instance's running batch.
int bench_latency(int64_t calls) {
  using namespace blis::latency;
  const std::vector<double> alpha{232.46191091038054, 1.752360364195244, 3357.4400353290152};
  const BlackboxModel blackbox(alpha, {5752.705191348184, 17.25086436834028, 5.999143920128404});
  const auto gpus = blis::catalog::GpuCatalog::load(blis::catalog::kDefaultGpuCatalogPath);
  const physics::PhysicsModel model(
      physics::load_physics_coefficients(physics::kDefaultCoefficientsPath),
      physics::load_model_shape("model_configs/hf/llama-3.1-8b-instruct/config.json"), gpus.get("H100"), {});
  std::vector<std::vector<StepMember>> batches(64);
  for (size_t b = 0; b < batches.size(); ++b) {
    for (int64_t i = 0; i < 128; ++i) {
      const int64_t input = 200 + (i * 37 + static_cast<int64_t>(b) * 11) % 900;
      batches[b].push_back(i % 4 == 0 ? StepMember{0, input, 300, 256} : StepMember{input + i, input, 300, 1});
    }
  }
  auto time = [&](const LatencyModel& m) {
    int64_t sum = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int64_t c = 0; c < calls; ++c) sum += m.step_time(batches[static_cast<size_t>(c) % batches.size()]);
    const double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
    std::printf("%-9s %8.1f ns/step   (checksum %lld)\n", &m == &blackbox ? "blackbox" : "physics",
                ns / static_cast<double>(calls), static_cast<long long>(sum));
    return ns;
  };
  const double b = time(blackbox), p = time(model);
  std::printf("physics / blackbox  %.2f x (128-member batches, %lld calls each)\n", p / b, static_cast<long long>(calls));
  return 0;
}

// Forwards to the resolved model and counts the steps, so a run reports wall time per step
// (the physics and blackbox runs take different numbers of steps).
class CountingModel final : public blis::latency::LatencyModel {
 public:
  // `shadow`, when given, is evaluated on every step too and its result discarded: the run keeps
  // the inner model's dynamics and pays the shadow's cost on top.
  CountingModel(std::shared_ptr<const blis::latency::LatencyModel> inner,
                std::shared_ptr<const blis::latency::LatencyModel> shadow)
      : LatencyModel(inner->alpha()), inner_(std::move(inner)), shadow_(std::move(shadow)) {}
  blis::Tick step_time(std::span<const blis::latency::StepMember> batch) const override {
    ++steps;
    if (shadow_) shadow_sum += shadow_->step_time(batch);
    return inner_->step_time(batch);
  }
  mutable int64_t steps = 0;
  mutable int64_t shadow_sum = 0;

 private:
  std::shared_ptr<const blis::latency::LatencyModel> inner_, shadow_;
};

}  // namespace

int main(int argc, char** argv) {
  int arg = 1;
  const std::string first = argc > arg ? argv[arg] : "";
  const bool known_mode = first.rfind("cluster", 0) == 0 || first == "servegen" || first == "physics" ||
                          first == "shadow" || first == "latency";
  const std::string mode = known_mode ? argv[arg++] : "single";
  if (mode == "latency") {
    try {
      return bench_latency(argc > arg ? std::atoll(argv[arg]) : 1000000);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "blis_bench: %s\n", e.what());
      return 1;
    }
  }
  const bool physics = mode == "physics" || mode == "cluster-physics";
  const bool shadowed = mode == "shadow" || mode == "cluster-shadow";
  const bool servegen = mode == "servegen";
  const bool cluster = mode != "single" && mode != "physics" && mode != "shadow";
  const bool lua = mode == "cluster-lua";
  const int64_t requests = argc > arg ? std::atoll(argv[arg]) : 100000;
  blis::config::ScenarioSpec spec;
  spec.origin = "blis_bench";
  spec.model = "meta-llama/llama-3.1-8b-instruct";
  spec.gpu = "H100";
  spec.tp = 1;
  // The defaults.yaml row for this deployment, given explicitly so no data file is needed.
  spec.alpha = std::vector<double>{232.46191091038054, 1.752360364195244, 3357.4400353290152};
  spec.beta = std::vector<double>{5752.705191348184, 17.25086436834028, 5.999143920128404};
  spec.kv_blocks = 132139;
  if (physics) {  // the same deployment through the physics model (its host overheads are these alphas)
    spec.alpha.reset();
    spec.beta.reset();
    spec.latency_model = "physics";
  }
  spec.workload.kind = "distribution";
  spec.workload.rate = cluster ? 80.0 : 20.0;
  spec.workload.requests = requests;
  if (servegen) {
    auto workload = std::make_shared<blis::workload::WorkloadSpecFile>();
    workload->origin = "blis_bench";
    workload->seed = 42;
    workload->aggregate_rate = 80;
    workload->num_requests = requests;
    const double cvs[] = {2.0, 3.5, 1.5, 2.5}, fractions[] = {0.4, 0.3, 0.2, 0.1};
    for (int i = 0; i < 4; ++i) {
      blis::workload::ClientSpec c;
      c.id = "client-" + std::to_string(i);
      c.tenant_id = "tenant-" + std::to_string(i);
      c.rate_fraction = fractions[i];
      c.arrival = {"gamma", cvs[i]};
      c.input = {"pareto_lognormal", {{"alpha", 2.0}, {"xm", 100}, {"mu", 5.8}, {"sigma", 0.7}, {"mix_weight", 0.2}}, ""};
      c.output = {"exponential", {{"mean", 250}}, ""};
      workload->clients.push_back(c);
    }
    spec.workload.kind = "spec";
    spec.workload.inline_spec = workload;
    spec.workload.requests.reset();
  }
  if (cluster || servegen) {
    spec.instances = 8;
    spec.routing_policy = "weighted";  // default scorers: prefix-affinity:3, queue-depth:2, kv-utilization:2
  }
  blis::bindings::LuaVm vm;
  if (lua) {
    lua_State* L = vm.state();
    vm.require("blis");
    lua_setglobal(L, "blis");
    vm.load_string(
        "package.path = './?.lua;' .. package.path\n"
        "local p = require 'blis.policy'\n"
        "return { p.normalize_scorer(require 'scripts.scorers.prefix_affinity', 1),\n"
        "         p.normalize_scorer(require 'scripts.scorers.queue_depth', 2),\n"
        "         p.normalize_scorer(require 'scripts.scorers.kv_utilization', 3) }\n",
        "=bench");
    vm.call(0, 1);
    spec.external_scorers = std::make_shared<blis::bindings::LuaScorers>(
        vm, std::vector<blis::bindings::LuaScorers::Entry>{{"prefix-affinity (lua)", "", true},
                                                           {"queue-depth (lua)", "", false},
                                                           {"kv-utilization (lua)", "", false}});
    spec.scorer_list = std::vector<blis::config::ScorerSpec>{
        {"prefix-affinity (lua)", 3, 0}, {"queue-depth (lua)", 2, 1}, {"kv-utilization (lua)", 2, 2}};
  }

  const auto start = std::chrono::steady_clock::now();
  blis::SimulationOutput out;
  std::shared_ptr<CountingModel> counter;
  try {
    const blis::DiagnosticSink quiet = [](blis::LogLevel, const std::string&) {};
    blis::config::RunConfig config = blis::config::resolve(spec, quiet);
    std::shared_ptr<const blis::latency::LatencyModel> shadow;
    if (shadowed) {  // the physics model of the same deployment, evaluated on every step
      blis::config::ScenarioSpec physics_spec = spec;
      physics_spec.alpha.reset();
      physics_spec.beta.reset();
      physics_spec.latency_model = "physics";
      shadow = blis::config::resolve(physics_spec, quiet).latency;
    }
    counter = std::make_shared<CountingModel>(config.latency, shadow);
    config.latency = counter;
    blis::cluster::ClusterSimulation sim(config, quiet);
    sim.run();
    out = blis::metrics::build_report(sim, config, quiet);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "blis_bench: %s\n", e.what());
    return 1;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("latency model       %s\n", physics    ? "physics"
                                       : shadowed ? "blackbox, physics evaluated too on every step"
                                                  : "blackbox");
  std::printf("mode                %s\n", servegen ? "ServeGen-style spec (8 instances, weighted, 4 gamma clients, 80 req/s)"
                                       : lua      ? "cluster, Lua scorers (8 instances, weighted, 80 req/s)"
                                       : cluster ? "cluster (8 instances, weighted routing, 80 req/s)"
                                                 : "single instance (20 req/s)");
  std::printf("requests            %lld\n", static_cast<long long>(requests));
  std::printf("wall time           %.3f s\n", seconds);
  std::printf("steps               %lld (%.0f ns of wall time per step)\n", static_cast<long long>(counter->steps),
              seconds * 1e9 / static_cast<double>(counter->steps));
  std::printf("simulated req/s     %.0f\n", static_cast<double>(requests) / seconds);
  std::printf("peak memory (RSS)   %.1f MB\n", static_cast<double>(usage.ru_maxrss) / 1024.0);
  std::printf("result checksum     %zu bytes of stdout, hash %016llx\n", out.stdout_text.size(),
              static_cast<unsigned long long>(std::hash<std::string>{}(out.stdout_text)));
  return 0;
}
