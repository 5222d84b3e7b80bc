#include "bindings/report_hook.h"

#include <fmt/format.h>

#include <lua.hpp>

#include "engine/core/error.h"

namespace blis::bindings {

namespace {

const char kReportHookKey = 0;  // registry key (its address)

void set_number(lua_State* L, const char* key, double v) {
  lua_pushnumber(L, v);
  lua_setfield(L, -2, key);
}

void set_string(lua_State* L, const char* key, const std::string& v) {
  lua_pushlstring(L, v.data(), v.size());
  lua_setfield(L, -2, key);
}

void push_latency(lua_State* L, const metrics::LatencySummary& s) {
  lua_createtable(L, 0, 8);
  set_number(L, "mean", s.mean_ms);
  set_number(L, "p50", s.p50_ms);
  set_number(L, "p90", s.p90_ms);
  set_number(L, "p95", s.p95_ms);
  set_number(L, "p99", s.p99_ms);
  set_number(L, "min", s.min_ms);
  set_number(L, "max", s.max_ms);
  set_number(L, "count", static_cast<double>(s.count));
}

void push_block(lua_State* L, const metrics::BlockSummary& b) {
  lua_createtable(L, 0, 22);
  set_string(L, "id", b.id);
  set_number(L, "completed", static_cast<double>(b.completed));
  set_number(L, "still_queued", static_cast<double>(b.still_queued));
  set_number(L, "still_running", static_cast<double>(b.still_running));
  set_number(L, "injected", static_cast<double>(b.injected));
  set_number(L, "still_in_transit", static_cast<double>(b.still_in_transit));
  set_number(L, "still_awaiting_decision", static_cast<double>(b.still_awaiting_decision));
  set_number(L, "input_tokens", static_cast<double>(b.input_tokens));
  set_number(L, "output_tokens", static_cast<double>(b.output_tokens));
  set_number(L, "preemptions", static_cast<double>(b.preemptions));
  set_number(L, "dropped_unservable", static_cast<double>(b.dropped_unservable));
  set_number(L, "kv_allocation_failures", static_cast<double>(b.kv_allocation_failures));
  set_number(L, "duration_s", b.duration_s);
  set_number(L, "responses_per_sec", b.responses_per_sec);
  set_number(L, "tokens_per_sec", b.tokens_per_sec);
  push_latency(L, b.ttft);
  lua_setfield(L, -2, "ttft_ms");
  push_latency(L, b.e2e);
  lua_setfield(L, -2, "e2e_ms");
  push_latency(L, b.itl);
  lua_setfield(L, -2, "itl_ms");
  push_latency(L, b.scheduling_delay);
  lua_setfield(L, -2, "scheduling_delay_ms");
}

std::string instance_id(int32_t i) { return "instance_" + std::to_string(i); }

void push_trace(lua_State* L, const trace::DecisionTrace& t) {
  lua_createtable(L, 0, 2);
  lua_createtable(L, static_cast<int>(t.admissions().size()), 0);
  int n = 0;
  for (const auto& a : t.admissions()) {
    lua_createtable(L, 0, 4);
    set_string(L, "request_id", request_id(a.request));
    set_number(L, "clock_us", static_cast<double>(a.clock));
    lua_pushboolean(L, a.admitted);
    lua_setfield(L, -2, "admitted");
    set_string(L, "reason", a.reason);
    lua_rawseti(L, -2, ++n);
  }
  lua_setfield(L, -2, "admissions");
  lua_createtable(L, static_cast<int>(t.routings().size()), 0);
  n = 0;
  for (const auto& r : t.routings()) {
    lua_createtable(L, 0, 7);
    set_string(L, "request_id", request_id(r.request));
    set_number(L, "clock_us", static_cast<double>(r.clock));
    set_string(L, "chosen", instance_id(r.chosen));
    set_string(L, "reason", r.reason);
    set_number(L, "regret", r.regret);
    if (r.scores) {
      lua_createtable(L, 0, static_cast<int>(r.scores->size()));
      for (size_t i = 0; i < r.scores->size(); ++i) set_number(L, instance_id(static_cast<int32_t>(i)).c_str(), (*r.scores)[i]);
      lua_setfield(L, -2, "scores");
    }
    lua_createtable(L, static_cast<int>(r.candidates.size()), 0);
    int k = 0;
    for (const auto& c : r.candidates) {
      lua_createtable(L, 0, 7);
      set_string(L, "instance_id", instance_id(c.instance));
      set_number(L, "score", c.score);
      set_number(L, "queue_depth", static_cast<double>(c.queue_depth));
      set_number(L, "batch_size", static_cast<double>(c.batch_size));
      set_number(L, "pending_requests", static_cast<double>(c.pending));
      set_number(L, "kv_utilization", c.kv_utilization);
      set_number(L, "free_kv_blocks", static_cast<double>(c.free_kv_blocks));
      lua_rawseti(L, -2, ++k);
    }
    lua_setfield(L, -2, "candidates");
    lua_rawseti(L, -2, ++n);
  }
  lua_setfield(L, -2, "routings");
}

}  // namespace

void push_run_results(lua_State* L, const metrics::RunResults& r) {
  lua_createtable(L, 0, 12);
  push_block(L, r.cluster);
  lua_setfield(L, -2, "cluster");
  lua_createtable(L, static_cast<int>(r.instances.size()), 0);
  for (size_t i = 0; i < r.instances.size(); ++i) {
    push_block(L, r.instances[i]);
    lua_rawseti(L, -2, static_cast<int>(i + 1));
  }
  lua_setfield(L, -2, "instances");
  set_number(L, "rejected", static_cast<double>(r.rejected));
  set_number(L, "priority_inversions", static_cast<double>(r.priority_inversions));
  set_number(L, "hol_blocking", static_cast<double>(r.hol_blocking));
  set_number(L, "preemption_rate", r.preemption_rate);
  set_number(L, "cache_hit_rate", r.cache_hit_rate);
  set_number(L, "kv_thrashing_rate", r.thrashing_rate);
  if (r.fitness) {
    lua_createtable(L, 0, 2);
    set_number(L, "score", r.fitness->score);
    lua_createtable(L, 0, static_cast<int>(r.fitness->components.size()));
    for (const auto& [key, value] : r.fitness->components) set_number(L, key.c_str(), value);
    lua_setfield(L, -2, "components");
    lua_setfield(L, -2, "fitness");
  }
  lua_createtable(L, static_cast<int>(r.requests.size()), 0);
  int n = 0;
  for (const auto& q : r.requests) {
    lua_createtable(L, 0, 12);
    set_string(L, "id", request_id(q.id));
    set_string(L, "slo_class", q.slo_class);
    set_string(L, "tenant", q.tenant);
    set_string(L, "instance", q.instance >= 0 ? instance_id(q.instance) : "");
    lua_pushboolean(L, q.completed);
    lua_setfield(L, -2, "completed");
    set_number(L, "arrived_s", q.arrived_s);
    set_number(L, "ttft_ms", q.ttft_ms);
    set_number(L, "e2e_ms", q.e2e_ms);
    set_number(L, "itl_ms", q.itl_ms);
    set_number(L, "scheduling_delay_ms", q.scheduling_delay_ms);
    set_number(L, "input_tokens", static_cast<double>(q.input_tokens));
    set_number(L, "output_tokens", static_cast<double>(q.output_tokens));
    lua_rawseti(L, -2, ++n);
  }
  lua_setfield(L, -2, "requests");
  if (r.trace) {
    push_trace(L, *r.trace);
    lua_setfield(L, -2, "trace");
  }
}


void set_report_hook(LuaVm& vm) {
  lua_State* L = vm.state();
  lua_pushlightuserdata(L, const_cast<char*>(&kReportHookKey));
  lua_insert(L, -2);
  lua_rawset(L, LUA_REGISTRYINDEX);
}

bool has_report_hook(LuaVm& vm) {
  lua_State* L = vm.state();
  lua_pushlightuserdata(L, const_cast<char*>(&kReportHookKey));
  lua_rawget(L, LUA_REGISTRYINDEX);
  const bool present = lua_type(L, -1) == LUA_TFUNCTION;
  lua_pop(L, 1);
  return present;
}

void call_report_hook(LuaVm& vm, const metrics::RunResults& results) {
  lua_State* L = vm.state();
  lua_pushlightuserdata(L, const_cast<char*>(&kReportHookKey));
  lua_rawget(L, LUA_REGISTRYINDEX);
  if (lua_type(L, -1) != LUA_TFUNCTION) {
    lua_pop(L, 1);
    return;
  }
  lua_Debug ar;
  lua_pushvalue(L, -1);
  lua_getinfo(L, ">S", &ar);
  const std::string where = fmt::format("{}:{}", ar.short_src, ar.linedefined);
  push_run_results(L, results);
  try {
    vm.call(1, 0);
  } catch (const Error& e) {
    throw Error(fmt::format("report hook ({}) failed: {}", where, e.what()));
  }
}

}  // namespace blis::bindings
