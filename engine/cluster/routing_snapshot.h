// What the router sees of one instance at a decision (cluster-workload-trace §A.6): queue and
// batch sizes, KV occupancy, the cluster's pending count, plus the instance's index.
#pragma once

#include <cstdint>

namespace blis::cluster {

struct RoutingSnapshot {
  int32_t index = 0;            // instance index; its id is "instance_<index>"
  int64_t queue_depth = 0;      // wait-queue length
  int64_t batch_size = 0;       // running-batch size
  int64_t pending = 0;          // routed here, Queued event not yet executed (never cached)
  double kv_utilization = 0;    // used / total GPU blocks
  int64_t free_kv_blocks = 0;   // total - used GPU blocks
  double cache_hit_rate = 0;    // the KV store's cumulative prefix-hit rate

  int64_t effective_load() const { return queue_depth + batch_size + pending; }
};

}  // namespace blis::cluster
