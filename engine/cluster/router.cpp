#include "engine/cluster/router.h"

#include <fmt/format.h>

#include <algorithm>

#include "engine/core/error.h"

namespace blis::cluster {

std::string RoutingReason::text() const {
  switch (kind) {
    case Kind::RoundRobin: return fmt::format("round-robin[{}]", count);
    case Kind::LeastLoaded: return fmt::format("least-loaded (load={})", count);
    case Kind::AlwaysBusiest: return fmt::format("always-busiest (load={})", count);
    case Kind::PrefixHit: return "prefix-affinity (cache-hit)";
    case Kind::PrefixMiss: return "prefix-affinity (cache-miss, fallback to least-loaded)";
    case Kind::Weighted: return fmt::format("weighted-scoring (score={:.3f})", score);
  }
  return "";
}

RoutingPolicyKind Router::parse_policy(const std::string& name) {
  if (name.empty() || name == "round-robin") return RoutingPolicyKind::RoundRobin;
  if (name == "least-loaded") return RoutingPolicyKind::LeastLoaded;
  if (name == "always-busiest") return RoutingPolicyKind::AlwaysBusiest;
  if (name == "prefix-affinity") return RoutingPolicyKind::PrefixAffinity;
  if (name == "weighted") return RoutingPolicyKind::Weighted;
  throw Error(fmt::format("unknown routing policy \"{}\"", name));
}

Router::Router(RouterConfig config, size_t instances, bool longest_prefix_affinity)
    : config_(std::move(config)) {
  if (config_.policy == RoutingPolicyKind::PrefixAffinity && longest_prefix_affinity) {
    longest_prefix_affinity_ = true;
    prefix_index_.emplace(instances);
    return;
  }
  if (config_.policy != RoutingPolicyKind::Weighted) return;
  // Weights are normalised once: w_i = weight_i / sum (summed in configuration order).
  double sum = 0;
  for (const auto& s : config_.scorers) sum += s.weight;
  if (!(sum > 0)) throw Error("weighted routing needs scorer weights with a positive sum");
  for (const auto& s : config_.scorers) {
    normalised_weights_.push_back(s.weight / sum);
    if (s.kind == ScorerKind::PrefixAffinity) uses_prefix_index_ = true;
  }
  if (config_.external && config_.external->uses_prefix_index()) uses_prefix_index_ = true;
  if (uses_prefix_index_) prefix_index_.emplace(instances);
}

RoutingDecision Router::route(const Request& request, std::span<const RoutingSnapshot> snapshots, Tick clock) {
  if (snapshots.empty()) throw Error("routing needs at least one instance");
  RoutingDecision d;
  switch (config_.policy) {
    case RoutingPolicyKind::RoundRobin: {
      // The counter advances only on routed requests (rejections never reach the router).
      d.target = static_cast<int>(round_robin_ % snapshots.size());
      d.reason = {RoutingReason::Kind::RoundRobin, static_cast<int64_t>(round_robin_)};
      ++round_robin_;
      return d;
    }
    case RoutingPolicyKind::LeastLoaded:
      return least_loaded(snapshots);
    case RoutingPolicyKind::AlwaysBusiest: {
      // Strict '>' scan: ties go to the lowest index.
      size_t best = 0;
      for (size_t i = 1; i < snapshots.size(); ++i) {
        if (snapshots[i].effective_load() > snapshots[best].effective_load()) best = i;
      }
      d.target = static_cast<int>(best);
      d.reason = {RoutingReason::Kind::AlwaysBusiest, snapshots[best].effective_load()};
      return d;
    }
    case RoutingPolicyKind::PrefixAffinity:
      return prefix_affinity_policy(request, snapshots);
    case RoutingPolicyKind::Weighted:
      return weighted(request, snapshots, clock);
  }
  return d;
}

RoutingDecision Router::least_loaded(std::span<const RoutingSnapshot> snapshots) const {
  size_t best = 0;  // strict '<' scan: ties go to the lowest index
  for (size_t i = 1; i < snapshots.size(); ++i) {
    if (snapshots[i].effective_load() < snapshots[best].effective_load()) best = i;
  }
  RoutingDecision d;
  d.target = static_cast<int>(best);
  d.reason = {RoutingReason::Kind::LeastLoaded, snapshots[best].effective_load()};
  return d;
}

// NOTE (whole-prefix affinity key, §B.3): the key is the hash of the last complete block, i.e.
// the entire block-aligned input, so only requests with identical aligned inputs share affinity.
RoutingDecision Router::prefix_affinity_policy(const Request& request, std::span<const RoutingSnapshot> snapshots) {
  router_block_hashes(request.input, config_.block_size, hashes_);
  // An input shorter than a block has no block to share: both modes key on all its tokens.
  if (longest_prefix_affinity_ && !hashes_.empty()) return longest_prefix_policy(snapshots);
  const Digest key = hashes_.empty() ? hash_all_tokens(request.input) : hashes_.back();
  if (const auto it = affinity_.find(key); it != affinity_.end() && it->second < static_cast<int>(snapshots.size())) {
    RoutingDecision d;
    d.target = it->second;
    d.reason = {RoutingReason::Kind::PrefixHit};
    return d;
  }
  RoutingDecision d = least_loaded(snapshots);
  affinity_[key] = d.target;
  d.reason = {RoutingReason::Kind::PrefixMiss};
  return d;
}

// Corrected (prefix_affinity_key), as llm-d's prefix-aware routing does: the instance whose
// routed blocks (the router-side LRU index, §B.6) match the longest leading run of this request's
// blocks wins; among equal runs, and when nothing matches, least-loaded decides, as the
// reference's fallback does. The request's blocks are then recorded on the chosen instance.
RoutingDecision Router::longest_prefix_policy(std::span<const RoutingSnapshot> snapshots) {
  matches_.clear();
  int64_t longest = 0;
  for (size_t i = 0; i < snapshots.size(); ++i) {
    matches_.push_back(prefix_index_->match_length(hashes_, i));
    longest = std::max(longest, matches_.back());
  }
  RoutingDecision d;
  if (longest == 0) {
    d = least_loaded(snapshots);
    d.reason = {RoutingReason::Kind::PrefixMiss};
  } else {
    size_t best = snapshots.size();  // strict '<' scan over the longest runs: ties go to the lowest index
    for (size_t i = 0; i < snapshots.size(); ++i) {
      if (matches_[i] != longest) continue;
      if (best == snapshots.size() || snapshots[i].effective_load() < snapshots[best].effective_load()) best = i;
    }
    d.target = static_cast<int>(best);
    d.reason = {RoutingReason::Kind::PrefixHit};
  }
  prefix_index_->record(hashes_, static_cast<size_t>(d.target));
  return d;
}

RoutingDecision Router::weighted(const Request& request, std::span<const RoutingSnapshot> snapshots, Tick clock) {
  const size_t n = snapshots.size();
  composite_.assign(n, 0.0);
  matches_.clear();
  if (uses_prefix_index_) {
    router_block_hashes(request.input, config_.block_size, hashes_);
    for (size_t i = 0; i < n; ++i) {
      matches_.push_back(hashes_.empty() ? 0 : prefix_index_->match_length(hashes_, i));
    }
  }
  if (config_.external) {
    external_values_.assign(config_.external->count() * n, 0.0);
    const DecisionContext ctx{request, clock, snapshots,
                              uses_prefix_index_ ? static_cast<int64_t>(hashes_.size()) : 0, matches_};
    config_.external->score_all(ctx, external_values_);
  }

  int64_t min_load = snapshots[0].effective_load(), max_load = min_load;
  for (const auto& s : snapshots) {
    min_load = std::min(min_load, s.effective_load());
    max_load = std::max(max_load, s.effective_load());
  }
  for (size_t k = 0; k < config_.scorers.size(); ++k) {
    const WeightedScorer& scorer = config_.scorers[k];
    const double w = normalised_weights_[k];
    for (size_t i = 0; i < n; ++i) {
      const RoutingSnapshot& s = snapshots[i];
      double v = 0;
      switch (scorer.kind) {
        case ScorerKind::QueueDepth:
          v = max_load == min_load ? 1.0
                                   : static_cast<double>(max_load - s.effective_load()) /
                                         static_cast<double>(max_load - min_load);
          break;
        case ScorerKind::KvUtilization:
          v = 1.0 - s.kv_utilization;
          break;
        case ScorerKind::LoadBalance:
          v = 1.0 / (1.0 + static_cast<double>(s.effective_load()));
          break;
        case ScorerKind::PrefixAffinity:
          v = hashes_.empty() ? 0.0 : static_cast<double>(matches_[i]) / static_cast<double>(hashes_.size());
          break;
        case ScorerKind::External:
          v = external_values_[static_cast<size_t>(scorer.external) * n + i];
          break;
      }
      // Clamp to [0, 1] (a NaN passes through, as in the reference's two comparisons).
      if (v < 0) v = 0;
      if (v > 1) v = 1;
      composite_[i] += v * w;
    }
  }
  // Argmax from -1 with a strict '>': ties go to the lowest index.
  double best_score = -1.0;
  int best = -1;
  for (size_t i = 0; i < n; ++i) {
    if (composite_[i] > best_score) {
      best_score = composite_[i];
      best = static_cast<int>(i);
    }
  }
  if (best < 0) best = 0;  // every composite NaN: the reference would fall back to its initial pick
  // Observer: the prefix index remembers the request's blocks on the chosen instance.
  if (uses_prefix_index_) prefix_index_->record(hashes_, static_cast<size_t>(best));
  RoutingDecision d;
  d.target = best;
  d.reason = {RoutingReason::Kind::Weighted, 0, best_score};
  d.has_scores = true;
  d.scores = composite_;
  return d;
}

}  // namespace blis::cluster
