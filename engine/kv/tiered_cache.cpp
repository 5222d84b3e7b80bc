#include "engine/kv/tiered_cache.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "engine/core/error.h"

namespace blis::kv {

TieredKvCache::TieredKvCache(int64_t gpu_blocks, int64_t block_size, const TieredConfig& config,
                             const core::Corrections& corrections)
    : gpu_(gpu_blocks, block_size, corrections),
      config_(config),
      retry_own_range_(corrections.tiered_retry_progress),
      count_overwrites_once_(corrections.tiered_cpu_overwrite) {}

bool TieredKvCache::allocate(const KvRequest& r, int64_t start, int64_t end,
                             std::span<const BlockId> cached) {
  if (gpu_.allocate(r, start, end, cached)) return true;
  if (reload() == 0) {
    ++cpu_misses_;
    return false;
  }
  std::vector<BlockId> recached;
  gpu_.cached_blocks(r, recached);
  if (retry_own_range_) {
    // Corrected (tiered_retry_progress): retry the caller's own range, which is what it books
    // progress for. Reloading pops free blocks; if one of the caller's cached blocks was among
    // them, fail now and let the next step look the prefix up again.
    const bool still_cached = recached.size() >= cached.size() &&
                              std::equal(cached.begin(), cached.end(), recached.begin());
    return still_cached && gpu_.allocate(r, start, end, cached);
  }
  // Retry from the longest prefix now cached on the GPU. NOTE (§5.10): the caller still books
  // progress from its original cached count when the retry starts further on.
  const int64_t restart = static_cast<int64_t>(recached.size()) * gpu_.block_size();
  if (restart > start) {
    if (restart > end) {
      throw Error(fmt::format("tiered KV retry would start at token {} beyond the allocation end {} "
                              "(the reference crashes here: slice bounds out of range)", restart, end));
    }
    return gpu_.allocate(r, restart, end, recached);
  }
  return gpu_.allocate(r, start, end, cached);
}

void TieredKvCache::release(int64_t request_key) {
  gpu_.release(request_key);
  offload();
}

void TieredKvCache::offload() {
  while (static_cast<double>(gpu_.used_blocks()) / static_cast<double>(gpu_.total_capacity()) >
             config_.offload_threshold &&
         cpu_used_ < config_.cpu_blocks) {
    const BlockId b = gpu_.first_hashed_free_block();
    if (b < 0) return;
    const auto view = gpu_.view(b);
    // NOTE (§5.10): overwriting a record of the same block id still counts a new CPU block, so
    // the tier looks full while holding fewer records. Corrected (tiered_cpu_overwrite): an
    // overwrite replaces the record and uses no new CPU block.
    const auto [record, fresh] = cpu_.insert_or_assign(b, CpuRecord{view.token_count, *view.hash, clock_});
    (void)record;
    if (fresh || !count_overwrites_once_) ++cpu_used_;
    ++offloads_;
    gpu_.evict_to_tail(b);
  }
}

int64_t TieredKvCache::reload() {
  int64_t reloaded = 0;
  for (auto it = cpu_.begin(); it != cpu_.end();) {
    const CpuRecord record = it->second;
    if (gpu_.contains_hash(record.hash)) {
      ++it;
      continue;
    }
    if (!gpu_.has_free_block()) break;
    gpu_.install_reloaded(record.token_count, record.hash);
    const auto transfer = static_cast<double>(gpu_.block_size()) / config_.transfer_bandwidth;
    pending_latency_ = wrap_add(pending_latency_, wrap_add(config_.transfer_base_latency,
                                                           go_int64(std::ceil(transfer))));
    if (clock_ - record.offloaded_at < 1000) ++thrash_;
    it = cpu_.erase(it);
    --cpu_used_;
    ++cpu_hits_;
    ++reloaded;
  }
  return reloaded;
}

Tick TieredKvCache::consume_transfer_latency() {
  const Tick latency = pending_latency_;
  pending_latency_ = 0;
  return latency;
}

double TieredKvCache::cache_hit_rate() const {
  const int64_t hits = gpu_.hits() + cpu_hits_;
  const int64_t total = hits + gpu_.misses() + cpu_misses_;
  return total == 0 ? 0.0 : static_cast<double>(hits) / static_cast<double>(total);
}

double TieredKvCache::thrashing_rate() const {
  return offloads_ == 0 ? 0.0 : static_cast<double>(thrash_) / static_cast<double>(offloads_);
}

}  // namespace blis::kv
