// Benchmark: the per-decision cost of weighted routing with Lua scorers against the same
// scorers built in. Both go through the engine's Router over 8 instance snapshots that change
// every decision; the Lua side is the scripts/ versions of queue-depth and kv-utilization
// (one protected call into Lua per decision, the per-instance loops inside LuaJIT).
//
//   build/blis_bench_lua [decisions]      # default 2,000,000; run from the repository root
// Reports 8, 16 and 64 instances: the fixed cost of entering Lua once per decision is spread
// over more scorer evaluations as clusters grow.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <lua.hpp>

#include "bindings/lua_policies.h"
#include "bindings/lua_vm.h"
#include "engine/cluster/router.h"
#include "engine/core/error.h"
#include "engine/core/go_rand.h"

namespace {

using namespace blis;

// Prompts for the default-scorer comparison: 512 tokens, a shared 64-token system prompt.
std::vector<Request> make_requests(size_t count) {
  core::GoRand rng(7);
  std::vector<Request> out(count);
  for (auto& r : out) {
    for (int t = 0; t < 512; ++t) r.input.push_back(t < 64 ? t : rng.intn(128000));
    r.input_len = 512;
  }
  return out;
}

double seconds_per_decision(cluster::Router& router, size_t instances, int64_t decisions, double& checksum,
                            const std::vector<Request>* prompts = nullptr) {
  std::vector<cluster::RoutingSnapshot> snapshots(instances);
  Request plain;
  plain.input_len = 512;
  const auto start = std::chrono::steady_clock::now();
  for (int64_t d = 0; d < decisions; ++d) {
    for (size_t i = 0; i < snapshots.size(); ++i) {
      auto& s = snapshots[i];
      s.index = static_cast<int32_t>(i);
      s.queue_depth = (d + static_cast<int64_t>(i) * 7) % 13;
      s.batch_size = (d / 3 + static_cast<int64_t>(i)) % 5;
      s.pending = static_cast<int64_t>(i) % 2;
      s.kv_utilization = static_cast<double>((d + static_cast<int64_t>(i) * 31) % 100) / 100.0;
    }
    const Request& request = prompts ? (*prompts)[static_cast<size_t>(d) % prompts->size()] : plain;
    const cluster::RoutingDecision decision = router.route(request, snapshots, d);
    checksum += decision.target + decision.scores[0];
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() /
         static_cast<double>(decisions);
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t decisions = argc > 1 ? std::atoll(argv[1]) : 2000000;
  try {
    bindings::LuaVm vm;
    lua_State* L = vm.state();
    vm.require("blis");
    lua_setglobal(L, "blis");
    bool same = true;
    std::printf("%-10s %-12s %-14s %-14s %s\n", "instances", "decisions", "native ns", "Lua ns", "Lua/native");
    for (const size_t instances : {size_t{8}, size_t{16}, size_t{64}}) {
      cluster::RouterConfig native;
      native.policy = cluster::RoutingPolicyKind::Weighted;
      native.scorers = {{cluster::ScorerKind::QueueDepth, "queue-depth", 1, -1},
                        {cluster::ScorerKind::KvUtilization, "kv-utilization", 1, -1}};
      cluster::Router native_router(native, instances);

      vm.load_string(
          "package.path = './?.lua;/usr/share/luajit-2.1.0-beta3/?.lua;' .. package.path\n"
          "if os.getenv('BLIS_JITV') then require('jit.v').start(os.getenv('BLIS_JITV')) end\n"
          "local p = require 'blis.policy'\n"
          "return { p.normalize_scorer(require 'scripts.scorers.queue_depth', 1),\n"
          "         p.normalize_scorer(require 'scripts.scorers.kv_utilization', 2) }\n",
          "=bench");
      vm.call(0, 1);
      auto lua_scorers = std::make_shared<bindings::LuaScorers>(
          vm, std::vector<bindings::LuaScorers::Entry>{{"queue-depth (lua)", "", false},
                                                       {"kv-utilization (lua)", "", false}});
      cluster::RouterConfig scripted;
      scripted.policy = cluster::RoutingPolicyKind::Weighted;
      scripted.scorers = {{cluster::ScorerKind::External, "queue-depth (lua)", 1, 0},
                          {cluster::ScorerKind::External, "kv-utilization (lua)", 1, 1}};
      scripted.external = lua_scorers;
      cluster::Router lua_router(scripted, instances);

      const int64_t n = decisions * 8 / static_cast<int64_t>(instances);
      double native_sum = 0, lua_sum = 0;
      seconds_per_decision(native_router, instances, n / 10, native_sum);  // warm-up (and JIT)
      seconds_per_decision(lua_router, instances, n / 10, lua_sum);
      native_sum = lua_sum = 0;
      const double native_s = seconds_per_decision(native_router, instances, n, native_sum);
      const double lua_s = seconds_per_decision(lua_router, instances, n, lua_sum);
      same = same && native_sum == lua_sum;
      std::printf("%-10zu %-12lld %-14.1f %-14.1f %.2f\n", instances, static_cast<long long>(n), native_s * 1e9,
                  lua_s * 1e9, lua_s / native_s);
    }
    std::printf("scorers: queue-depth + kv-utilization; same decisions: %s\n\n", same ? "yes" : "NO");

    // The cluster benchmark's configuration: 8 instances, the default scorers
    // (prefix-affinity:3, queue-depth:2, kv-utilization:2) on 512-token prompts, where the
    // router also hashes each prompt and keeps its prefix index.
    {
      cluster::RouterConfig native;
      native.policy = cluster::RoutingPolicyKind::Weighted;
      native.scorers = {{cluster::ScorerKind::PrefixAffinity, "prefix-affinity", 3, -1},
                        {cluster::ScorerKind::QueueDepth, "queue-depth", 2, -1},
                        {cluster::ScorerKind::KvUtilization, "kv-utilization", 2, -1}};
      cluster::Router native_router(native, 8);
      vm.load_string(
          "local p = require 'blis.policy'\n"
          "return { p.normalize_scorer(require 'scripts.scorers.prefix_affinity', 1),\n"
          "         p.normalize_scorer(require 'scripts.scorers.queue_depth', 2),\n"
          "         p.normalize_scorer(require 'scripts.scorers.kv_utilization', 3) }\n",
          "=bench");
      vm.call(0, 1);
      cluster::RouterConfig scripted;
      scripted.policy = cluster::RoutingPolicyKind::Weighted;
      scripted.external = std::make_shared<bindings::LuaScorers>(
          vm, std::vector<bindings::LuaScorers::Entry>{{"prefix-affinity (lua)", "", true},
                                                       {"queue-depth (lua)", "", false},
                                                       {"kv-utilization (lua)", "", false}});
      scripted.scorers = {{cluster::ScorerKind::External, "prefix-affinity (lua)", 3, 0},
                          {cluster::ScorerKind::External, "queue-depth (lua)", 2, 1},
                          {cluster::ScorerKind::External, "kv-utilization (lua)", 2, 2}};
      cluster::Router lua_router(scripted, 8);
      const auto prompts = make_requests(4096);
      const int64_t n = decisions / 8;
      double native_sum = 0, lua_sum = 0;
      const double native_s = seconds_per_decision(native_router, 8, n, native_sum, &prompts);
      const double lua_s = seconds_per_decision(lua_router, 8, n, lua_sum, &prompts);
      same = same && native_sum == lua_sum;
      std::printf("default scorers, 8 instances, 512-token prompts (%lld decisions):\n", static_cast<long long>(n));
      std::printf("  native %.1f ns, Lua %.1f ns per decision, Lua/native %.2f, same decisions: %s\n",
                  native_s * 1e9, lua_s * 1e9, lua_s / native_s, native_sum == lua_sum ? "yes" : "NO");
    }
    return same ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "blis_bench_lua: %s\n", e.what());
    return 1;
  }
}
