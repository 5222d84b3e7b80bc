#include "engine/metrics/anomaly_counters.h"

#include <algorithm>
#include <map>
#include <vector>

namespace blis::metrics {

// Priority inversions (cluster §E.3): per instance and SLO class, pairs (earlier i, later j)
// with e2e_i > 2 e2e_j. Ties in arrival are broken by request id (the reference's order there
// is not deterministic).
int64_t priority_inversions(const cluster::ClusterSimulation& sim, const std::string& policy) {
  if (policy.empty() || policy == "constant") return 0;
  int64_t total = 0;
  for (size_t i = 0; i < sim.instances().size(); ++i) {
    std::map<std::string, std::vector<const Request*>> groups;
    int64_t registered = 0;
    for (const Request& r : sim.requests()) {
      if (!r.registered || r.instance != static_cast<int>(i)) continue;
      ++registered;
      if (r.completed) groups[r.slo_class.empty() ? "default" : r.slo_class].push_back(&r);
    }
    if (registered < 2) continue;
    for (auto& [cls, members] : groups) {
      std::sort(members.begin(), members.end(), [](const Request* a, const Request* b) {
        if (a->arrival != b->arrival) return a->arrival < b->arrival;
        return request_id(a->index) < request_id(b->index);
      });
      for (size_t a = 0; a < members.size(); ++a) {
        const double ea = static_cast<double>(members[a]->e2e) / 1e3;
        for (size_t b = a + 1; b < members.size(); ++b) {
          if (ea > 2.0 * (static_cast<double>(members[b]->e2e) / 1e3)) ++total;
        }
      }
    }
  }
  return total;
}

// HOL blocking (cluster §E.3): instances whose mean per-step wait-queue length exceeds twice
// the mean over instances (idle instances count as 0).
int64_t hol_blocking_events(const cluster::ClusterSimulation& sim) {
  const auto& instances = sim.instances();
  if (instances.size() < 2) return 0;
  std::vector<double> averages;
  double sum = 0;
  for (const auto& inst : instances) {
    const auto& k = inst->counters();
    const double avg = k.steps > 0 ? static_cast<double>(k.wait_queue_samples_sum) / static_cast<double>(k.steps) : 0.0;
    averages.push_back(avg);
    sum += avg;
  }
  const double mean = sum / static_cast<double>(instances.size());
  int64_t count = 0;
  if (mean > 0) {
    for (double avg : averages) count += avg > 2.0 * mean ? 1 : 0;
  }
  return count;
}

}  // namespace blis::metrics
