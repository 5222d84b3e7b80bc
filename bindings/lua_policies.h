// Lua routing scorers and admission rules as the engine's extension points
// (engine/cluster/policy_hooks.h). Per decision: fill the C++-owned blis_decision views (bound
// to Lua once, at construction), then one protected call into the stdlib loop
// (stdlib_lua/blis.policy.lua) — never one call per instance, never a table per call. Lua code
// never holds these structs directly: it gets read-only handles that are checked against the
// decision in progress, and the destructors tell Lua before the memory goes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "bindings/blis_ffi.h"
#include "bindings/lua_vm.h"
#include "engine/cluster/policy_hooks.h"

namespace blis::bindings {

// The blis_decision struct and the instance array behind it, refilled per decision.
class DecisionViews {
 public:
  DecisionViews();
  blis_decision* decision() { return decision_.get(); }
  // Copies the request and the snapshots into the views; grows the arrays when needed (the
  // pointers inside blis_decision follow, so Lua always reads the live ones).
  // Returns true when an array moved (Lua must re-read the pointers).
  bool fill(const cluster::DecisionContext& ctx, size_t scores_per_instance);
  const double* scores() const { return scores_.data(); }

 private:
  std::unique_ptr<blis_decision> decision_;
  std::vector<blis_instance> instances_;
  std::vector<double> scores_;
};

class LuaScorers final : public cluster::ExternalScorers {
 public:
  struct Entry {
    std::string name;   // display name: the function's name or "lua scorer #i"
    std::string where;  // file:line where it is defined
    bool prefix_index = false;
  };
  // Expects on the Lua stack top a list of { score = f, prepare = f?, name = ... } tables;
  // pops it.
  LuaScorers(LuaVm& vm, std::vector<Entry> entries);
  ~LuaScorers() override;

  size_t count() const override { return entries_.size(); }
  const std::string& name(size_t scorer) const override { return entries_[scorer].name; }
  bool uses_prefix_index() const override { return uses_prefix_index_; }
  void score_all(const cluster::DecisionContext& ctx, std::span<double> out) override;

 private:
  LuaVm& vm_;
  std::shared_ptr<const bool> vm_alive_;
  std::vector<Entry> entries_;
  bool uses_prefix_index_ = false;
  DecisionViews views_;
  int decide_ref_ = -1;
  int rebind_ref_ = -1;
  int release_ref_ = -1;  // ends the Lua views over views_ (blis.policy bind_views)
};

class LuaAdmission final : public cluster::ExternalAdmission {
 public:
  // Expects the rule function on the Lua stack top; pops it.
  LuaAdmission(LuaVm& vm, std::string name, std::string where);
  ~LuaAdmission() override;

  const std::string& name() const override { return name_; }
  cluster::AdmissionVerdict admit(const cluster::DecisionContext& ctx) override;

 private:
  LuaVm& vm_;
  std::shared_ptr<const bool> vm_alive_;
  std::string name_, where_;
  DecisionViews views_;
  int rule_ref_ = -1;
  int rebind_ref_ = -1;
  int release_ref_ = -1;
};

}  // namespace blis::bindings
