// The KV-cache interface an instance uses (engine-core §5): prefix lookup, allocation with
// rollback, release, and the figures reported at the end. Implemented by the single-tier
// BlockStore (§5.1–5.9) and the GPU+CPU TieredKvCache (§5.10).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "engine/core/ticks.h"
#include "engine/kv/token_digest.h"

namespace blis::kv {

using BlockId = int32_t;

// What an allocation needs to know about a request.
struct KvRequest {
  int64_t key = 0;                 // stable request key (the request's arena index)
  int64_t progress = 0;            // ProgressIndex at the time of the call (decides the mode)
  std::span<const Token> input;
  std::span<const Token> output;
  PrefixDigests* prefix_digests = nullptr;  // the request's cached aligned-prefix digests
};

class KvCache {
 public:
  virtual ~KvCache() = default;

  // GetCachedBlocks(InputTokens): the longest run of cached full prompt blocks (pure query).
  virtual void cached_blocks(const KvRequest& r, std::vector<BlockId>& out) = 0;
  // AllocateKVBlocks(r, start, end, cached) -> false when the blocks cannot be had.
  virtual bool allocate(const KvRequest& r, int64_t start, int64_t end,
                        std::span<const BlockId> cached) = 0;
  // ReleaseKVBlocks(r).
  virtual void release(int64_t request_key) = 0;

  virtual void set_clock(Tick) {}
  // Reads and resets the pending CPU->GPU transfer latency (0 for a single tier).
  virtual Tick consume_transfer_latency() { return 0; }

  virtual int64_t used_blocks() const = 0;
  virtual int64_t peak_used_blocks() const = 0;  // the most GPU blocks in use at any moment
  virtual int64_t total_capacity() const = 0;
  virtual int64_t block_size() const = 0;
  virtual double cache_hit_rate() const = 0;
  // The hits cache_hit_rate() counts, in blocks, since the start (the time series' deltas).
  virtual int64_t cache_hit_blocks() const = 0;
  virtual double thrashing_rate() const { return 0; }
  // Blocks in use that no request holds (the reference's rollback leak, §5.6).
  virtual int64_t leaked_blocks() const { return 0; }
};

}  // namespace blis::kv
