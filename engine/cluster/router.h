// Routing policies (cluster-workload-trace §B.3–B.6): round-robin, least-loaded,
// always-busiest, prefix-affinity, and weighted scoring over built-in and external scorers.
// One Router per simulation; it owns the policy state (round-robin counter, affinity map,
// router-side prefix index).
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/cluster/policy_hooks.h"
#include "engine/cluster/prefix_index.h"
#include "engine/cluster/routing_snapshot.h"

namespace blis::cluster {

enum class RoutingPolicyKind { RoundRobin, LeastLoaded, AlwaysBusiest, PrefixAffinity, Weighted };
enum class ScorerKind { QueueDepth, KvUtilization, LoadBalance, PrefixAffinity, External };

struct WeightedScorer {
  ScorerKind kind;
  std::string name;
  double weight = 0;   // as configured
  int external = -1;   // index into the ExternalScorers set for ScorerKind::External
};

struct RouterConfig {
  RoutingPolicyKind policy = RoutingPolicyKind::RoundRobin;
  std::vector<WeightedScorer> scorers;            // weighted only, in configuration order
  std::shared_ptr<ExternalScorers> external;      // weighted only, when some scorer is external
  int64_t block_size = 16;                        // router-side hashing block size
};

// Why a target was chosen; formatted into text only when a trace asks for it.
struct RoutingReason {
  enum class Kind { RoundRobin, LeastLoaded, AlwaysBusiest, PrefixHit, PrefixMiss, Weighted } kind;
  int64_t count = 0;  // round-robin counter, or the load of least-loaded / always-busiest
  double score = 0;   // weighted: the winning composite score
  std::string text() const;
};

struct RoutingDecision {
  int target = 0;
  RoutingReason reason{RoutingReason::Kind::RoundRobin};
  bool has_scores = false;
  std::span<const double> scores;  // composite per snapshot (weighted only); valid until the next route()
};

class Router {
 public:
  // `longest_prefix_affinity` is the prefix_affinity_key correction: the prefix-affinity policy
  // keys on the longest leading run of routed blocks instead of the whole aligned input.
  Router(RouterConfig config, size_t instances, bool longest_prefix_affinity = false);

  // Route(req, state). Throws blis::Error when an external scorer fails.
  RoutingDecision route(const Request& request, std::span<const RoutingSnapshot> snapshots, Tick clock);

  static RoutingPolicyKind parse_policy(const std::string& name);  // "" = round-robin; caller validated

 private:
  RoutingDecision least_loaded(std::span<const RoutingSnapshot> snapshots) const;
  RoutingDecision prefix_affinity_policy(const Request& request, std::span<const RoutingSnapshot> snapshots);
  RoutingDecision longest_prefix_policy(std::span<const RoutingSnapshot> snapshots);
  RoutingDecision weighted(const Request& request, std::span<const RoutingSnapshot> snapshots, Tick clock);

  RouterConfig config_;
  std::vector<double> normalised_weights_;
  bool uses_prefix_index_ = false;
  uint64_t round_robin_ = 0;
  std::unordered_map<Digest, int, DigestHash> affinity_;  // prefix-affinity policy: key -> instance
  std::optional<PrefixCacheIndex> prefix_index_;          // weighted with a prefix-aware scorer, or
                                                          // the corrected prefix-affinity policy
  bool longest_prefix_affinity_ = false;

  // Per-decision scratch.
  std::vector<Digest> hashes_;
  std::vector<int64_t> matches_;
  std::vector<double> composite_, scorer_values_, external_values_;
};

}  // namespace blis::cluster
