// Decision tracing (cluster-workload-trace §F): one record per admission and per routing
// decision, with counterfactual top-k candidates and regret, the summary the CLI prints, and a
// JSON Lines export. Exists only when tracing is on; nothing is collected otherwise.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/cluster/routing_snapshot.h"
#include "engine/core/ticks.h"
#include "engine/request/request.h"

namespace blis::trace {

struct AdmissionRecord {
  RequestIndex request;
  Tick clock;
  bool admitted;
  std::string reason;
};

struct CandidateScore {
  int32_t instance;
  double score;
  int64_t queue_depth, batch_size, pending;  // pending before this request's increment
  double kv_utilization;
  int64_t free_kv_blocks;
};

struct RoutingRecord {
  RequestIndex request;
  Tick clock;
  int32_t chosen;
  std::string reason;
  std::optional<std::vector<double>> scores;  // per instance, when the policy scored
  std::vector<CandidateScore> candidates;     // top-k; empty when k == 0
  double regret = 0;
};

struct TraceSummary {
  int64_t total_decisions = 0, admitted = 0, rejected = 0;
  std::map<std::string, int64_t> target_distribution;  // byte order of instance ids
  double mean_regret = 0, max_regret = 0;
};

// computeCounterfactual (§F.2): candidates ranked by score (the decision's scores, else
// -EffectiveLoad), ties by instance id bytes; regret against the best over all instances.
// NOTE (§F.2): a weighted decision's chosen instance is the argmax of its own scores, so that
// regret is always 0. With `load_regret` (the weighted_regret correction) a decision that carried
// scores gets regret = EffectiveLoad(chosen) - min EffectiveLoad over the instances, the
// definition load-based policies already have, so regret compares policies on one scale.
void compute_counterfactual(int32_t chosen, const std::optional<std::vector<double>>& scores,
                            std::span<const cluster::RoutingSnapshot> snapshots, int64_t k,
                            std::vector<CandidateScore>& candidates, double& regret, bool load_regret = false);

class DecisionTrace {
 public:
  // `load_regret`: the weighted_regret correction (see compute_counterfactual).
  explicit DecisionTrace(int64_t counterfactual_k, bool load_regret = false)
      : k_(counterfactual_k), load_regret_(load_regret) {}

  int64_t counterfactual_k() const { return k_; }
  bool load_regret() const { return load_regret_; }
  void add(AdmissionRecord r) {
    order_.push_back({false, admissions_.size()});
    admissions_.push_back(std::move(r));
  }
  void add(RoutingRecord r) {
    order_.push_back({true, routings_.size()});
    routings_.push_back(std::move(r));
  }

  const std::vector<AdmissionRecord>& admissions() const { return admissions_; }
  const std::vector<RoutingRecord>& routings() const { return routings_; }

  TraceSummary summarize() const;
  // Every record as one JSON object per line, in the order the decisions were taken.
  std::string to_json_lines() const;

 private:
  int64_t k_;
  bool load_regret_;
  std::vector<AdmissionRecord> admissions_;
  std::vector<RoutingRecord> routings_;
  struct Entry { bool routing; size_t index; };
  std::vector<Entry> order_;
};

}  // namespace blis::trace
