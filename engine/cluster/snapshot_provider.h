// CachedSnapshotProvider (cluster-workload-trace §A.6): queue depth and batch size are read
// live; the KV group (utilization, free blocks, hit rate) is re-read only when the refresh
// interval has elapsed since its last refresh, so with an interval I > 0 the router sees KV
// signals up to I stale — and all zeros until the first decision at a clock >= I (NOTE 14).
// Corrected (snapshot_kv_first_read): the first decision reads them, then they age as above.
// Pending counts are never cached: the cluster overwrites them on every build.
#pragma once

#include <memory>
#include <vector>

#include "engine/cluster/routing_snapshot.h"
#include "engine/core/ticks.h"
#include "engine/instance/instance.h"

namespace blis::cluster {

class SnapshotProvider {
 public:
  SnapshotProvider(size_t instances, Tick kv_refresh_interval, bool read_first = false)
      : interval_(kv_refresh_interval), read_first_(read_first) {
    cached_.resize(instances);
    kv_last_refresh_.assign(instances, 0);
    kv_read_.assign(instances, 0);
    for (size_t i = 0; i < instances; ++i) cached_[i].index = static_cast<int32_t>(i);
  }

  // Rebuilds the snapshots in index order for a decision at `clock`.
  const std::vector<RoutingSnapshot>& build(const std::vector<std::unique_ptr<instance::Instance>>& instances,
                                            const std::vector<int64_t>& pending, Tick clock) {
    for (size_t i = 0; i < instances.size(); ++i) {
      const instance::Instance& inst = *instances[i];
      RoutingSnapshot& s = cached_[i];
      s.queue_depth = static_cast<int64_t>(inst.wait_queue_size());
      s.batch_size = static_cast<int64_t>(inst.running_size());
      if (interval_ <= 0 || (read_first_ && kv_read_[i] == 0) || clock - kv_last_refresh_[i] >= interval_) {
        kv_read_[i] = 1;
        const kv::KvCache& kv = inst.kv();
        s.kv_utilization = static_cast<double>(kv.used_blocks()) / static_cast<double>(kv.total_capacity());
        s.free_kv_blocks = kv.total_capacity() - kv.used_blocks();
        s.cache_hit_rate = kv.cache_hit_rate();
        if (interval_ > 0) kv_last_refresh_[i] = clock;
      }
      s.pending = pending[i];
    }
    return cached_;
  }

 private:
  Tick interval_;
  bool read_first_;  // snapshot_kv_first_read
  std::vector<uint8_t> kv_read_;  // per instance: read at least once
  std::vector<RoutingSnapshot> cached_;
  std::vector<Tick> kv_last_refresh_;
};

}  // namespace blis::cluster
