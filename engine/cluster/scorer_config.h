// The weighted policy's scorer list as text, `name:weight[,name:weight...]`
// (cluster-workload-trace §B.7), and the rules every scorer list obeys, whatever its source
// (flag, scenario, policy bundle): known name, no repeats, finite positive weight.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace blis::cluster {

struct ScorerWeight {
  std::string name;
  double weight = 0;
};

// Known built-in scorer names, byte-sorted.
const std::vector<std::string>& known_scorer_names();
bool is_known_scorer(std::string_view name);
// "kv-utilization, load-balance, prefix-affinity, queue-depth"
std::string known_scorer_list();

// Empty text -> empty list ("not set"). Throws blis::Error with the reference's message (without
// the caller's "Invalid --routing-scorers: " prefix): a part without ':' (so a trailing comma
// fails), an unknown or repeated name, a weight that does not parse or is not finite and > 0.
std::vector<ScorerWeight> parse_scorer_config(std::string_view text);

}  // namespace blis::cluster
