// Policy bundles, `--policy-config file.yaml` (cluster-workload-trace §C): admission, routing
// (with its scorer list), priority and scheduler in one strict YAML file. Whether a value was
// given matters (the bundle fills only what the scenario or an explicit flag left unset), so
// every field is optional; a YAML null counts as not given.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/cluster/scorer_config.h"

namespace blis::config {

struct PolicyBundle {
  std::optional<std::string> admission_policy;      // set iff a non-empty string
  std::optional<double> token_bucket_capacity;
  std::optional<double> token_bucket_refill_rate;   // tokens per second
  std::optional<std::string> routing_policy;
  std::vector<cluster::ScorerWeight> scorers;       // routing.scorers, in order
  std::optional<std::string> priority_policy;
  std::optional<std::string> scheduler;
};

// Reads and strictly parses the file. Throws blis::Error "reading policy config: ..." when it
// cannot be read, "parsing policy config: ..." for an empty file, YAML syntax, an unknown key or
// a value of the wrong type — naming the file, the line and the key path of every problem.
PolicyBundle load_policy_bundle(const std::string& path);

// Validate(), first failure wins: admission, routing, priority, scheduler names; token-bucket
// capacity then refill rate (finite, >= 0); each scorer (known, not repeated, weight finite > 0).
void validate_policy_bundle(const PolicyBundle& bundle);

}  // namespace blis::config
