#include "engine/kv/block_store.h"

#include <fmt/format.h>

#include <algorithm>

#include "engine/core/error.h"

namespace blis::kv {

BlockStore::BlockStore(int64_t total_blocks, int64_t block_size)
    : total_(total_blocks), block_size_(block_size) {
  if (total_blocks <= 0 || block_size <= 0 || total_blocks > INT32_MAX) {
    throw Error(fmt::format("KV cache needs 1..{} blocks of at least one token (got {} blocks of {})",
                            INT32_MAX, total_blocks, block_size));
  }
  const auto n = static_cast<size_t>(total_blocks);
  blocks_.resize(n);
  // All blocks start on the free list in id order: block 0 is reused first (§5.1).
  for (BlockId b = 0; b < static_cast<BlockId>(total_blocks); ++b) append_free(b);
}

// ---- free list (head = least recently freed = next reused) ---------------------------

void BlockStore::append_free(BlockId b) {
  Block& k = at(b);
  k.prev = free_tail_;
  k.next = -1;
  if (free_tail_ >= 0) at(free_tail_).next = b; else free_head_ = b;
  free_tail_ = b;
  k.on_free_list = 1;
}

void BlockStore::prepend_free(BlockId b) {
  Block& k = at(b);
  k.next = free_head_;
  k.prev = -1;
  if (free_head_ >= 0) at(free_head_).prev = b; else free_tail_ = b;
  free_head_ = b;
  k.on_free_list = 1;
}

void BlockStore::unlink(BlockId b) {
  Block& k = at(b);
  if (!k.on_free_list) return;
  if (k.prev >= 0) at(k.prev).next = k.next; else free_head_ = k.next;
  if (k.next >= 0) at(k.next).prev = k.prev; else free_tail_ = k.prev;
  k.prev = k.next = -1;
  k.on_free_list = 0;
}

// popFree (§5.3). Deleting the hash key unconditionally — even when it now maps to a newer
// block with the same prefix — is the reference's stale-hash deletion (§5.9 NOTE).
BlockId BlockStore::pop_free() {
  const BlockId b = free_head_;
  if (b < 0) return -1;
  unlink(b);
  if (at(b).has_hash) {
    hash_to_block_.erase(at(b).hash);
    at(b).has_hash = 0;
  }
  at(b).tokens = 0;
  return b;
}

void BlockStore::set_hash(BlockId b, const Digest& d) {
  at(b).has_hash = 1;
  at(b).hash = d;
  hash_to_block_.assign(d, b);  // a later registration of the same prefix overwrites (§5.9 NOTE)
}

// ---- queries ------------------------------------------------------------------------

void BlockStore::cached_blocks(const KvRequest& r, std::vector<BlockId>& out) {
  out.clear();
  for (const Digest& d : r.prefix_digests->get(r.input, block_size_)) {
    const BlockId b = hash_to_block_.find(d);
    if (b < 0) break;
    out.push_back(b);
  }
}

double BlockStore::cache_hit_rate() const {
  const int64_t total = hits_ + misses_;
  return total == 0 ? 0.0 : static_cast<double>(hits_) / static_cast<double>(total);
}

Digest BlockStore::prompt_prefix_digest(const KvRequest& r, int64_t length) const {
  if (length % block_size_ == 0) {
    const auto& aligned = r.prefix_digests->get(r.input, block_size_);
    const auto index = static_cast<size_t>(length / block_size_);
    if (index >= 1 && index <= aligned.size()) return aligned[index - 1];
  }
  return digest_of(r.input.first(static_cast<size_t>(length)));
}

// A request's block list appears with its first block (cached or new), reusing a spare record.
BlockStore::RequestBlocks* BlockStore::start_record(int64_t request_key) {
  std::unique_ptr<RequestBlocks> record;
  if (spare_.empty()) {
    record = std::make_unique<RequestBlocks>();
  } else {
    record = std::move(spare_.back());
    spare_.pop_back();
    record->blocks.clear();
    record->contents.reset();
  }
  RequestBlocks* raw = record.get();
  const auto i = static_cast<size_t>(request_key);
  if (i >= request_blocks_.size()) request_blocks_.resize(std::max(i + 1, request_blocks_.size() * 2));
  request_blocks_[i] = std::move(record);
  return raw;
}

// ---- AllocateKVBlocks (§5.5) ----------------------------------------------------------

bool BlockStore::allocate(const KvRequest& r, int64_t start, int64_t end,
                          std::span<const BlockId> cached) {
  const auto prompt_len = static_cast<int64_t>(r.input.size());
  const bool prefill = r.progress < prompt_len;  // the mode follows PI, not `start`
  std::span<const Token> fresh;
  Token decode_token = 0;
  if (prefill) {
    if (start < 0 || end < start || end > prompt_len) {
      throw Error(fmt::format("KV allocation range [{}, {}) lies outside a {}-token prompt "
                              "(the reference crashes here)", start, end, prompt_len));
    }
    fresh = r.input.subspan(static_cast<size_t>(start), static_cast<size_t>(end - start));
    const int64_t needed = (static_cast<int64_t>(fresh.size()) + block_size_ - 1) / block_size_;
    // Ignores room left in a partial last block and cached blocks sitting on the free list.
    if (needed > total_ - used_) return false;
  } else {
    const int64_t index = start - prompt_len;
    if (index < 0 || index >= static_cast<int64_t>(r.output.size())) {
      throw Error(fmt::format("decode KV allocation for output token {} of a request with {} "
                              "output tokens (the reference crashes here: index out of range)",
                              index, r.output.size()));
    }
    decode_token = r.output[static_cast<size_t>(index)];
    fresh = std::span<const Token>(&decode_token, 1);
  }

  std::vector<std::pair<BlockId, bool>> cached_log;                 // (block, was in use)
  std::vector<std::pair<BlockId, std::optional<Digest>>> new_log;  // (block, hash before pop)
  const auto n = static_cast<int64_t>(fresh.size());
  int64_t p = 0;
  while (p < n) {
    RequestBlocks* owned = record_of(r.key);
    BlockId last = -1;
    if (owned != nullptr) {
      last = owned->blocks.back();
    } else {
      // First allocation for this request: commit the cached prefix blocks.
      for (size_t i = 0; i < cached.size(); ++i) {
        const BlockId b = cached[i];
        const bool was_in_use = at(b).in_use != 0;
        ++at(b).ref_count;
        if (!was_in_use) {
          at(b).in_use = 1;
          ++used_;
          unlink(b);
        }
        cached_log.emplace_back(b, was_in_use);
        ++hits_;
        if (owned == nullptr) owned = start_record(r.key);
        owned->blocks.push_back(b);
        // A cached block holds exactly the prompt slice its digest names, or nothing (a hash
        // restored by rollback sits on a token-less block, §5.6).
        owned->contents.append(r.input.subspan(i * block_size_, static_cast<size_t>(at(b).tokens)));
      }
      // `last` stays a placeholder: new blocks are allocated next.
    }

    if (last >= 0 && at(last).tokens > 0 && at(last).tokens < block_size_) {
      // 3b: top up the partial last block; not logged for rollback.
      const int64_t take = std::min<int64_t>(block_size_ - at(last).tokens, n - p);
      owned->contents.append(fresh.subspan(static_cast<size_t>(p), static_cast<size_t>(take)));
      at(last).tokens += static_cast<int32_t>(take);
      p += take;
      if (at(last).tokens == block_size_) set_hash(last, owned->contents.digest());
      continue;
    }

    // 3c: allocate ceil(rem / B) fresh blocks.
    const int64_t remaining = n - p;
    const int64_t blocks_needed = (remaining + block_size_ - 1) / block_size_;
    for (int64_t i = 0; i < blocks_needed; ++i) {
      std::optional<Digest> hash_before;
      if (free_head_ >= 0 && at(free_head_).has_hash) hash_before = at(free_head_).hash;
      const BlockId b = pop_free();
      if (b < 0) {
        rollback(r.key, cached_log, new_log);
        return false;
      }
      const int64_t take = std::min<int64_t>(block_size_, n - p);
      at(b).tokens = static_cast<int32_t>(take);
      at(b).ref_count = 1;
      at(b).in_use = 1;
      ++used_;
      ++misses_;
      if (owned == nullptr) owned = start_record(r.key);
      owned->contents.append(fresh.subspan(static_cast<size_t>(p), static_cast<size_t>(take)));
      // Only prefill-mode blocks are hashed here, over the prompt prefix they complete.
      if (take == block_size_ && prefill) set_hash(b, prompt_prefix_digest(r, start + p + take));
      new_log.emplace_back(b, hash_before);
      owned->blocks.push_back(b);
      p += take;
    }
  }
  return true;
}

// Rollback (§5.6). Deleting the request's whole block list — also the blocks it owned before
// this call — is the reference's block leak (§5.6 NOTE): those blocks stay in use forever.
void BlockStore::rollback(int64_t request_key,
                          const std::vector<std::pair<BlockId, bool>>& cached_log,
                          const std::vector<std::pair<BlockId, std::optional<Digest>>>& new_log) {
  for (auto it = new_log.rbegin(); it != new_log.rend(); ++it) {
    const BlockId b = it->first;
    if (at(b).has_hash) hash_to_block_.erase(at(b).hash);
    if (it->second) {
      at(b).has_hash = 1;
      at(b).hash = *it->second;
      hash_to_block_.assign(*it->second, b);
    } else {
      at(b).has_hash = 0;
    }
    at(b).in_use = 0;
    at(b).ref_count = 0;
    at(b).tokens = 0;  // the evicted tokens are not restored
    --used_;
    --misses_;
    prepend_free(b);
  }
  for (auto it = cached_log.rbegin(); it != cached_log.rend(); ++it) {
    const BlockId b = it->first;
    --at(b).ref_count;
    --hits_;
    if (!it->second && at(b).ref_count == 0) {
      at(b).in_use = 0;
      --used_;
      append_free(b);  // tail, not its old position: LRU order changes
    }
  }
  if (auto record = take_record(request_key)) spare_.push_back(std::move(record));
}

// ReleaseKVBlocks (§5.7): last block first, so longer prefixes sit nearer the head.
void BlockStore::release(int64_t request_key) {
  std::unique_ptr<RequestBlocks> record = take_record(request_key);
  if (record == nullptr) return;
  for (auto it = record->blocks.rbegin(); it != record->blocks.rend(); ++it) {
    const BlockId b = *it;
    if (--at(b).ref_count == 0) {
      at(b).in_use = 0;
      --used_;
      append_free(b);
    }
  }
  spare_.push_back(std::move(record));
}

// ---- tiered-cache support (§5.10) ---------------------------------------------------------

BlockId BlockStore::first_hashed_free_block() const {
  for (BlockId b = free_head_; b >= 0; b = at(b).next) {
    if (at(b).has_hash) return b;
  }
  return -1;
}

void BlockStore::evict_to_tail(BlockId b) {
  unlink(b);
  if (at(b).has_hash) {
    hash_to_block_.erase(at(b).hash);
    at(b).has_hash = 0;
  }
  at(b).tokens = 0;
  append_free(b);
}

void BlockStore::install_reloaded(int32_t token_count, const Digest& d) {
  const BlockId b = pop_free();
  at(b).tokens = token_count;
  at(b).ref_count = 0;
  at(b).in_use = 0;
  set_hash(b, d);
  append_free(b);
}

}  // namespace blis::kv
