// The single-tier (GPU) KV block store with prefix caching and an LRU free list
// (engine-core §5.1–5.9), including the reference's rollback leak, stale-hash deletion and
// fully cached prompt, each with its correction.
//
// Blocks keep only their token *count*: a cached block's tokens always equal the matching slice
// of the prompt that found it by digest (or it is token-less after a rollback restored its
// hash), so the digest of "all tokens in a request's block list" can be kept incrementally per
// request instead of re-reading block contents (§5.5 step 3b).
#pragma once

#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "engine/core/corrections.h"
#include "engine/kv/digest_index.h"
#include "engine/kv/kv_cache.h"

namespace blis::kv {

class BlockStore final : public KvCache {
 public:
  // `corrections` selects reference or corrected behaviour for the KV NOTEs (§5.6, §5.9).
  BlockStore(int64_t total_blocks, int64_t block_size, const core::Corrections& corrections = {});
  BlockStore(const BlockStore&) = delete;  // the digest index points back at this store
  BlockStore& operator=(const BlockStore&) = delete;

  void cached_blocks(const KvRequest& r, std::vector<BlockId>& out) override;
  bool allocate(const KvRequest& r, int64_t start, int64_t end,
                std::span<const BlockId> cached) override;
  void release(int64_t request_key) override;

  int64_t used_blocks() const override { return used_; }
  int64_t peak_used_blocks() const override { return peak_used_; }
  int64_t total_capacity() const override { return total_; }
  int64_t block_size() const override { return block_size_; }
  double cache_hit_rate() const override;
  int64_t cache_hit_blocks() const override { return hits_; }

  // Blocks still in use that no request's list holds any more: the reference's rollback leak
  // (§5.6). Always 0 with the kv_rollback_leak correction.
  int64_t leaked_blocks() const override { return leaked_; }

  int64_t hits() const { return hits_; }
  int64_t misses() const { return misses_; }

  // --- used by the tiered cache (§5.10) ---
  struct BlockView {
    int32_t token_count;
    std::optional<Digest> hash;
  };
  // First free-list block (from the head) that has a hash, or -1.
  BlockId first_hashed_free_block() const;
  BlockView view(BlockId b) const {
    const Block& k = blocks_[static_cast<size_t>(b)];
    return {k.tokens, hashed(b) ? std::optional(k.hash) : std::nullopt};
  }
  // Offload: unlink, forget the hash, clear the tokens, append at the tail.
  void evict_to_tail(BlockId b);
  bool has_free_block() const { return free_head_ >= 0; }
  bool contains_hash(const Digest& d) const { return hash_to_block_.contains(d); }
  // Reload: pop the free-list head, give it the reloaded contents, append it at the tail.
  void install_reloaded(int32_t token_count, const Digest& d);

 private:
  struct RequestBlocks {
    std::vector<BlockId> blocks;
    ChunkDigest contents;  // digest state over the tokens of `blocks`, in order
  };

  BlockId pop_free();
  void prefetch_next_pop() const;
  void append_free(BlockId b);
  void prepend_free(BlockId b);
  void unlink(BlockId b);
  void set_hash(BlockId b, const Digest& d);
  void forget_hash(BlockId b);
  void rollback(int64_t request_key, const std::vector<std::pair<BlockId, bool>>& cached_log,
                const std::vector<std::pair<BlockId, std::optional<Digest>>>& new_log);
  Digest prompt_prefix_digest(const KvRequest& r, int64_t length) const;
  bool fits_exactly(const KvRequest& r, int64_t tokens, std::span<const BlockId> cached) const;

  int64_t total_;
  int64_t block_size_;
  int64_t used_ = 0;
  int64_t peak_used_ = 0;  // the most blocks in use at once (the report's KV usage peak)
  int64_t hits_ = 0;
  int64_t misses_ = 0;
  int64_t leaked_ = 0;
  bool exact_capacity_check_;  // kv_rollback_leak
  bool keep_newer_hash_;       // kv_stale_hash_deletion
  bool recompute_last_token_;  // kv_fully_cached_prompt

  // 32 bytes, aligned: a block never straddles two cache lines. "In use" and "on the free list"
  // are both ref_count tests (a block is on the free list exactly when nothing references it);
  // whether `hash` is set lives in hashed_, beside the array.
  struct alignas(32) Block {
    int32_t ref_count = 0;
    int32_t tokens = 0;  // tokens held (full iff == block_size_)
    BlockId prev = -1, next = -1;
    Digest hash;
  };
  static_assert(sizeof(Block) == 32);
  std::vector<Block> blocks_;
  std::vector<uint8_t> hashed_;  // per block: 1 when `hash` is set
  bool hashed(BlockId b) const { return hashed_[static_cast<size_t>(b)] != 0; }
  Block& at(BlockId b) { return blocks_[static_cast<size_t>(b)]; }
  const Block& at(BlockId b) const { return blocks_[static_cast<size_t>(b)]; }
  BlockId free_head_ = -1, free_tail_ = -1;

  // The index confirms a tag match against the block's own digest (see digest_index.h).
  struct DigestOfBlock {
    const BlockStore* store;
    const Digest& operator()(BlockId b) const { return store->at(b).hash; }
  };
  DigestIndex<DigestOfBlock> hash_to_block_{DigestOfBlock{this}};

  // Per request key (requests are numbered densely from 0): its block list, plus a copy of the
  // last block's id and fill. Decode appends one token per request per step; reading the fill
  // here instead of via record -> block list -> block shortens that path to one load.
  struct RequestTail {
    RequestBlocks* record = nullptr;  // null = no block list
    BlockId last = -1;
    int32_t fill = 0;  // == at(last).tokens while `record` is set (a partial last block is never shared)
  };
  std::vector<RequestTail> tails_;
  RequestTail* tail_of(int64_t key) {
    const auto i = static_cast<size_t>(key);
    return i < tails_.size() ? &tails_[i] : nullptr;
  }
  void push_block(RequestTail& t, BlockId b) {
    t.record->blocks.push_back(b);
    t.last = b;
    t.fill = at(b).tokens;
  }
  // Detaches a request's record (null when it has none); the record goes back to spare_.
  RequestBlocks* take_record(int64_t key);
  RequestTail& start_record(int64_t request_key);
  std::vector<std::unique_ptr<RequestBlocks>> records_;  // owns every record ever created
  std::vector<RequestBlocks*> spare_;                    // records free for reuse
};

}  // namespace blis::kv
