#include "bindings/lua_policies.h"

#include <fmt/format.h>

#include <lua.hpp>

#include "engine/core/error.h"

namespace blis::bindings {

namespace {

// Tells the Lua side that the views over a DecisionViews about to be freed are dead (a view a
// policy kept must never read that memory), then drops the reference. Never throws: it runs in
// destructors.
void release_views(LuaVm& vm, int& release_ref) {
  if (release_ref < 0) return;
  try {
    vm.call_ref(release_ref, 0);
  } catch (...) {
    // release only assigns locals of blis.policy; nothing in it can fail but the VM itself
  }
  vm.unref(release_ref);
  release_ref = -1;
}

// Pushes require("blis.policy")[function_name].
void push_policy_function(LuaVm& vm, const char* function_name) {
  vm.require("blis.policy");
  lua_getfield(vm.state(), -1, function_name);
  lua_remove(vm.state(), -2);
}

}  // namespace

DecisionViews::DecisionViews() : decision_(std::make_unique<blis_decision>()) {
  *decision_ = blis_decision{};
  instances_.resize(16);
  scores_.resize(16);
  decision_->cluster.instances = instances_.data();
  decision_->scores = scores_.data();
}

bool DecisionViews::fill(const cluster::DecisionContext& ctx, size_t scores_per_instance) {
  const size_t n = ctx.snapshots.size();
  bool moved = false;
  if (instances_.size() < n) {
    instances_.resize(n);
    decision_->cluster.instances = instances_.data();
    moved = true;
  }
  if (scores_.size() < n * scores_per_instance) {
    scores_.resize(n * scores_per_instance);
    decision_->scores = scores_.data();
    moved = true;
  }
  const Request& r = ctx.request;
  blis_request& q = decision_->request;
  q.id = static_cast<double>(r.index);
  q.arrival_us = static_cast<double>(r.arrival);
  q.input_tokens = static_cast<double>(r.input_len);
  q.output_tokens = static_cast<double>(r.output_len);
  q.prefix_blocks = static_cast<double>(ctx.prefix_blocks);
  q.slo_class_ptr = r.slo_class.c_str();
  q.tenant_ptr = r.tenant_id.c_str();
  blis_cluster& c = decision_->cluster;
  c.clock_us = static_cast<double>(ctx.clock);
  c.num_instances = static_cast<int32_t>(n);
  c.queued = c.running = c.pending = 0;
  c.min_load = n > 0 ? static_cast<double>(ctx.snapshots[0].effective_load()) : 0.0;
  c.max_load = c.min_load;
  for (size_t i = 0; i < n; ++i) {
    const cluster::RoutingSnapshot& s = ctx.snapshots[i];
    blis_instance& v = instances_[i];
    v.index = s.index;
    v.queue_depth = static_cast<double>(s.queue_depth);
    v.batch_size = static_cast<double>(s.batch_size);
    v.pending_requests = static_cast<double>(s.pending);
    v.effective_load = static_cast<double>(s.effective_load());
    v.kv_utilization = s.kv_utilization;
    v.free_kv_blocks = static_cast<double>(s.free_kv_blocks);
    v.cache_hit_rate = s.cache_hit_rate;
    v.prefix_match_blocks = i < ctx.prefix_matches.size() ? static_cast<double>(ctx.prefix_matches[i]) : 0.0;
    c.queued += v.queue_depth;
    c.running += v.batch_size;
    c.pending += v.pending_requests;
    if (v.effective_load < c.min_load) c.min_load = v.effective_load;
    if (v.effective_load > c.max_load) c.max_load = v.effective_load;
  }
  return moved;
}

// ---- scorers ------------------------------------------------------------------------------

LuaScorers::LuaScorers(LuaVm& vm, std::vector<Entry> entries)
    : vm_(vm), vm_alive_(vm.alive()), entries_(std::move(entries)) {
  for (const Entry& e : entries_) uses_prefix_index_ = uses_prefix_index_ || e.prefix_index;
  lua_State* L = vm_.state();
  // blis.policy.bind_scorers(decision, entries) -> the per-decision loop, kept by reference.
  const int entries_index = lua_gettop(L);
  push_policy_function(vm_, "bind_scorers");
  lua_pushlightuserdata(L, views_.decision());
  lua_pushvalue(L, entries_index);
  vm_.call(2, 3);
  release_ref_ = vm_.ref();
  rebind_ref_ = vm_.ref();
  decide_ref_ = vm_.ref();
  std::string names;  // for the watchdog's message (lua_guard.h)
  for (const Entry& e : entries_) names += (names.empty() ? "'" : ", '") + e.name + "' (" + e.where + ")";
  vm_.label_ref(decide_ref_, "Lua scorers " + names, "");
  lua_pop(L, 1);  // the entries
}

LuaScorers::~LuaScorers() {
  if (!*vm_alive_) return;  // the VM went first and took its references with it
  release_views(vm_, release_ref_);
  if (decide_ref_ >= 0) vm_.unref(decide_ref_);
  if (rebind_ref_ >= 0) vm_.unref(rebind_ref_);
}

void LuaScorers::score_all(const cluster::DecisionContext& ctx, std::span<double> out) {
  const size_t n = ctx.snapshots.size();
  const bool moved = views_.fill(ctx, entries_.size());
  try {
    if (moved) vm_.call_ref(rebind_ref_, 0);
    vm_.call_ref(decide_ref_, 0);
  } catch (const Error& e) {
    const int32_t current = views_.decision()->current_scorer;
    const Entry* failed = current >= 1 && static_cast<size_t>(current) <= entries_.size() ? &entries_[current - 1] : nullptr;
    throw Error(fmt::format("scorer '{}' ({}) failed at t={} us: {}", failed ? failed->name : "?",
                            failed ? failed->where : "?", ctx.clock, e.what()));
  }
  const double* scores = views_.scores();
  std::copy(scores, scores + n * entries_.size(), out.begin());
}

// ---- admission ----------------------------------------------------------------------------

LuaAdmission::LuaAdmission(LuaVm& vm, std::string name, std::string where)
    : vm_(vm), vm_alive_(vm.alive()), name_(std::move(name)), where_(std::move(where)) {
  lua_State* L = vm_.state();
  const int rule_index = lua_gettop(L);
  push_policy_function(vm_, "bind_admission");
  lua_pushlightuserdata(L, views_.decision());
  lua_pushvalue(L, rule_index);
  lua_pushlstring(L, name_.data(), name_.size());
  vm_.call(3, 3);
  release_ref_ = vm_.ref();
  rebind_ref_ = vm_.ref();
  rule_ref_ = vm_.ref();
  vm_.label_ref(rule_ref_, "admission rule '" + name_ + "'", where_);
  lua_pop(L, 1);  // the rule
}

LuaAdmission::~LuaAdmission() {
  if (!*vm_alive_) return;
  release_views(vm_, release_ref_);
  if (rule_ref_ >= 0) vm_.unref(rule_ref_);
  if (rebind_ref_ >= 0) vm_.unref(rebind_ref_);
}

cluster::AdmissionVerdict LuaAdmission::admit(const cluster::DecisionContext& ctx) {
  const bool moved = views_.fill(ctx, 0);
  lua_State* L = vm_.state();
  try {
    if (moved) vm_.call_ref(rebind_ref_, 0);
    vm_.call_ref(rule_ref_, 2);
  } catch (const Error& e) {
    throw Error(fmt::format("admission rule '{}' ({}) failed at t={} us: {}", name_, where_, ctx.clock, e.what()));
  }
  cluster::AdmissionVerdict verdict;
  verdict.admitted = lua_toboolean(L, -2) != 0;
  if (lua_type(L, -1) == LUA_TSTRING) verdict.reason = lua_tostring(L, -1);
  else if (!verdict.admitted) verdict.reason = "rejected by " + name_;
  lua_pop(L, 2);
  return verdict;
}

}  // namespace blis::bindings
