// The policy part of config::resolve(): the policy bundle (cluster-workload-trace §C), whose YAML
// values apply where the scenario (or an explicit flag) is silent, and the admission, routing,
// priority and scheduler policies and the weighted policy's scorers (engine-core §8.4 item 5,
// §B.4, §B.7). A bad name is rejected naming the scenario key, or policy_config when the bundle
// gave it.
#pragma once

#include <string>
#include <vector>

#include "engine/cluster/scorer_config.h"
#include "engine/config/run_config.h"
#include "engine/config/scenario_spec.h"

namespace blis::config {

// What resolve_scorers needs later: the routing policy's name and the bundle's scorer list.
struct ResolvedPolicies {
  std::string routing;
  std::vector<cluster::ScorerWeight> bundle_scorers;
};

// Fills c.admission, c.routing.policy and block_size, c.priority_policy_name and
// c.instance.priority / scheduler. Reads c.block_size, so the engine limits come first.
ResolvedPolicies resolve_policies(const ScenarioSpec& spec, RunConfig& c);

// The weighted policy's scorers into out.scorers (and out.external); `check_unused` is the
// scorers_need_weighted correction (see the .cpp).
void resolve_scorers(const ScenarioSpec& spec, const std::string& routing,
                     const std::vector<cluster::ScorerWeight>& bundle_scorers, cluster::RouterConfig& out,
                     const DiagnosticSink& log, bool check_unused);

}  // namespace blis::config
