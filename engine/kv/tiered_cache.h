// GPU + CPU tiered KV cache (engine-core §5.10): freed hashed blocks are offloaded to a CPU
// tier while GPU usage is above a threshold, and reloaded (with a transfer latency charged to
// the next step) when a GPU allocation fails.
#pragma once

#include <map>

#include "engine/kv/block_store.h"

namespace blis::kv {

struct TieredConfig {
  int64_t cpu_blocks = 0;
  double offload_threshold = 0.9;
  double transfer_bandwidth = 100.0;  // blocks per tick
  Tick transfer_base_latency = 0;
};

class TieredKvCache final : public KvCache {
 public:
  TieredKvCache(int64_t gpu_blocks, int64_t block_size, const TieredConfig& config,
                const core::Corrections& corrections = {});

  void cached_blocks(const KvRequest& r, std::vector<BlockId>& out) override { gpu_.cached_blocks(r, out); }
  bool allocate(const KvRequest& r, int64_t start, int64_t end,
                std::span<const BlockId> cached) override;
  void release(int64_t request_key) override;
  void set_clock(Tick now) override { clock_ = now; }
  Tick consume_transfer_latency() override;

  int64_t used_blocks() const override { return gpu_.used_blocks(); }
  int64_t peak_used_blocks() const override { return gpu_.peak_used_blocks(); }
  int64_t total_capacity() const override { return gpu_.total_capacity(); }
  int64_t block_size() const override { return gpu_.block_size(); }
  double cache_hit_rate() const override;
  int64_t cache_hit_blocks() const override { return gpu_.hits() + cpu_hits_; }
  double thrashing_rate() const override;
  int64_t leaked_blocks() const override { return gpu_.leaked_blocks(); }
  int64_t cpu_blocks_used() const { return cpu_used_; }
  int64_t cpu_records() const { return static_cast<int64_t>(cpu_.size()); }

 private:
  struct CpuRecord {
    int32_t token_count;
    Digest hash;
    Tick offloaded_at;
  };
  void offload();
  int64_t reload();

  BlockStore gpu_;
  TieredConfig config_;
  std::map<BlockId, CpuRecord> cpu_;  // keyed by GPU block id; reload walks ascending ids
  int64_t cpu_used_ = 0;
  int64_t offloads_ = 0;
  int64_t cpu_hits_ = 0;
  int64_t cpu_misses_ = 0;
  int64_t thrash_ = 0;
  Tick pending_latency_ = 0;
  Tick clock_ = 0;
  bool retry_own_range_;        // tiered_retry_progress
  bool count_overwrites_once_;  // tiered_cpu_overwrite
};

}  // namespace blis::kv
