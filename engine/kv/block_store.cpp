#include "engine/kv/block_store.h"

#include <fmt/format.h>

#include <algorithm>

#include "engine/core/error.h"

namespace blis::kv {

namespace {

// ceil(tokens / block_size) without forming tokens + block_size - 1, which overflows int64
// for block sizes near its maximum (and then the allocation loop never ran, so never ended).
int64_t blocks_for(int64_t tokens, int64_t block_size) {
  return tokens / block_size + (tokens % block_size != 0 ? 1 : 0);
}

}  // namespace

BlockStore::BlockStore(int64_t total_blocks, int64_t block_size, const core::Corrections& corrections)
    : total_(total_blocks),
      block_size_(block_size),
      exact_capacity_check_(corrections.kv_rollback_leak),
      keep_newer_hash_(corrections.kv_stale_hash_deletion),
      recompute_last_token_(corrections.kv_fully_cached_prompt) {
  if (total_blocks <= 0 || block_size <= 0 || total_blocks > INT32_MAX) {
    throw Error(fmt::format("KV cache needs 1..{} blocks of at least one token (got {} blocks of {})",
                            INT32_MAX, total_blocks, block_size));
  }
  const auto n = static_cast<size_t>(total_blocks);
  blocks_.resize(n);
  hashed_.assign(n, 0);
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
}

void BlockStore::prepend_free(BlockId b) {
  Block& k = at(b);
  k.next = free_head_;
  k.prev = -1;
  if (free_head_ >= 0) at(free_head_).prev = b; else free_tail_ = b;
  free_head_ = b;
}

void BlockStore::unlink(BlockId b) {
  Block& k = at(b);
  // Only blocks nobody references sit on the free list (ref_count == 0); callers unlink only those.
  if (k.prev >= 0) at(k.prev).next = k.next; else free_head_ = k.next;
  if (k.next >= 0) at(k.next).prev = k.prev; else free_tail_ = k.prev;
  k.prev = k.next = -1;
}

// Clears a block's hash. NOTE (stale hash deletion, §5.9): the reference deletes the index key
// unconditionally, even when it now maps to a newer block with the same prefix, which then stops
// being found. Corrected (kv_stale_hash_deletion): only a key that still names this block goes.
void BlockStore::forget_hash(BlockId b) {
  if (!hashed(b)) return;
  if (!keep_newer_hash_ || hash_to_block_.find(at(b).hash) == b) hash_to_block_.erase(at(b).hash);
  hashed_[static_cast<size_t>(b)] = 0;
}

// popFree (§5.3).
BlockId BlockStore::pop_free() {
  const BlockId b = free_head_;
  if (b < 0) return -1;
  unlink(b);
  forget_hash(b);
  at(b).tokens = 0;
  prefetch_next_pop();
  return b;
}

// Freed blocks are reused in LRU order across the whole store, so every pop meets a cold block
// and a cold index slot. The new head's line was requested at the previous pop; request the line
// after it and the index slot the next pop will clear, so both are warm when needed.
void BlockStore::prefetch_next_pop() const {
  if (free_head_ < 0) return;
  const Block& head = at(free_head_);
  if (head.next >= 0) __builtin_prefetch(&at(head.next));
  if (hashed(free_head_)) hash_to_block_.prefetch(head.hash);
}

void BlockStore::set_hash(BlockId b, const Digest& d) {
  hashed_[static_cast<size_t>(b)] = 1;
  at(b).hash = d;
  hash_to_block_.assign(d, b);  // a later registration of the same prefix overwrites (§5.9 NOTE)
}

// ---- queries ------------------------------------------------------------------------

void BlockStore::cached_blocks(const KvRequest& r, std::vector<BlockId>& out) {
  out.clear();
  const std::vector<Digest>& digests = r.prefix_digests->get(r.input, block_size_);
  for (const Digest& d : digests) {
    const BlockId b = hash_to_block_.find(d);
    if (b < 0) break;
    out.push_back(b);
  }
  // NOTE (fully cached prompt, §5.9): a prompt covered by cached blocks is admitted with nothing
  // to compute, commits no blocks and emits its first token for free. Corrected
  // (kv_fully_cached_prompt): like vLLM, the hit stops short of the last prompt token, which is
  // recomputed to produce the first output token.
  if (recompute_last_token_ && !out.empty() &&
      static_cast<int64_t>(out.size()) * block_size_ >= static_cast<int64_t>(r.input.size())) {
    out.pop_back();
  }
  // The uncached blocks are registered under these digests when the prompt is allocated, which
  // usually follows at once: fetch their index slots together rather than one miss at a time.
  for (size_t i = out.size() + 1; i < digests.size(); ++i) hash_to_block_.prefetch(digests[i]);
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
  return digest_of(r.input.first(static_cast<size_t>(length)), block_size_);
}

// A request's block list appears with its first block (cached or new), reusing a spare record.
BlockStore::RequestTail& BlockStore::start_record(int64_t request_key) {
  RequestBlocks* record = nullptr;
  if (spare_.empty()) {
    records_.push_back(std::make_unique<RequestBlocks>());
    record = records_.back().get();
    record->contents.reset(static_cast<size_t>(block_size_));
  } else {
    record = spare_.back();
    spare_.pop_back();
    record->blocks.clear();
    record->contents.reset(static_cast<size_t>(block_size_));
  }
  const auto i = static_cast<size_t>(request_key);
  if (i >= tails_.size()) tails_.resize(std::max(i + 1, tails_.size() * 2));
  tails_[i] = RequestTail{record, -1, 0};
  return tails_[i];
}

BlockStore::RequestBlocks* BlockStore::take_record(int64_t key) {
  RequestTail* t = tail_of(key);
  if (t == nullptr || t->record == nullptr) return nullptr;
  RequestBlocks* record = t->record;
  *t = RequestTail{};
  spare_.push_back(record);
  return record;
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
    const int64_t needed = blocks_for(static_cast<int64_t>(fresh.size()), block_size_);
    // Ignores room left in a partial last block and cached blocks sitting on the free list.
    if (!exact_capacity_check_ && needed > total_ - used_) return false;
  } else {
    const int64_t index = start - prompt_len;
    if (index < 0 || index >= static_cast<int64_t>(r.output.size())) {
      throw Error(fmt::format("decode KV allocation for output token {} of a request with {} "
                              "output tokens (the reference crashes here: index out of range)",
                              index, r.output.size()));
    }
    decode_token = r.output[static_cast<size_t>(index)];
    // Output tokens were drawn when the request arrived and have gone cold since; a request
    // reads one per step, too sparse for the hardware prefetcher, so fetch the next line ahead.
    if (index + 8 < static_cast<int64_t>(r.output.size())) __builtin_prefetch(&r.output[static_cast<size_t>(index + 8)]);
    // Fast path for the common decode case: one token topping up a partial last block (3b).
    RequestTail* t = tail_of(r.key);
    if (t != nullptr && t->record != nullptr && t->fill > 0 && t->fill < block_size_) {
      ChunkDigest& contents = t->record->contents;
      contents.append_one(decode_token);
      at(t->last).tokens = ++t->fill;
      if (t->fill == block_size_) {
        set_hash(t->last, contents.digest());
      } else if (t->fill + 1 == block_size_ && index + 1 < static_cast<int64_t>(r.output.size()) &&
                 contents.one_token_from_chunk_end()) {
        // The next decode token completes this block: its digest is known now, so its index
        // slot (a cold line in a large table) can be fetched a step ahead.
        hash_to_block_.prefetch(contents.predict(r.output[static_cast<size_t>(index + 1)]));
      }
      return true;
    }
    fresh = std::span<const Token>(&decode_token, 1);
  }
  // Corrected (kv_rollback_leak): like vLLM's allocate_slots, count exactly what the call will
  // take and refuse before changing anything, so the rollback below is never reached.
  if (exact_capacity_check_ && !fits_exactly(r, static_cast<int64_t>(fresh.size()), cached)) return false;

  std::vector<std::pair<BlockId, bool>> cached_log;                 // (block, was in use)
  std::vector<std::pair<BlockId, std::optional<Digest>>> new_log;  // (block, hash before pop)
  const auto n = static_cast<int64_t>(fresh.size());
  int64_t p = 0;
  while (p < n) {
    RequestTail* t = tail_of(r.key);
    if (t == nullptr || t->record == nullptr) {
      t = nullptr;
      // First allocation for this request: commit the cached prefix blocks.
      for (size_t i = 0; i < cached.size(); ++i) {
        const BlockId b = cached[i];
        const bool was_in_use = at(b).ref_count > 0;
        ++at(b).ref_count;
        if (!was_in_use) {
          ++used_;
          peak_used_ = std::max(peak_used_, used_);
          unlink(b);
        }
        cached_log.emplace_back(b, was_in_use);
        ++hits_;
        if (t == nullptr) t = &start_record(r.key);
        push_block(*t, b);
        // A cached block holds exactly the prompt slice its digest names, or nothing (a hash
        // restored by rollback sits on a token-less block, §5.6).
        t->record->contents.append(r.input.subspan(i * block_size_, static_cast<size_t>(at(b).tokens)));
      }
      // Whatever the last cached block holds, new blocks are allocated next (no top-up).
    } else if (t->fill > 0 && t->fill < block_size_) {
      // 3b: top up the partial last block; not logged for rollback.
      const int64_t take = std::min<int64_t>(block_size_ - t->fill, n - p);
      t->record->contents.append(fresh.subspan(static_cast<size_t>(p), static_cast<size_t>(take)));
      t->fill += static_cast<int32_t>(take);
      at(t->last).tokens = t->fill;
      p += take;
      if (t->fill == block_size_) set_hash(t->last, t->record->contents.digest());
      continue;
    }

    // 3c: allocate ceil(rem / B) fresh blocks.
    const int64_t remaining = n - p;
    const int64_t blocks_needed = blocks_for(remaining, block_size_);
    for (int64_t i = 0; i < blocks_needed; ++i) {
      std::optional<Digest> hash_before;
      if (free_head_ >= 0 && hashed(free_head_)) hash_before = at(free_head_).hash;
      const BlockId b = pop_free();
      if (b < 0) {
        rollback(r.key, cached_log, new_log);
        return false;
      }
      const int64_t take = std::min<int64_t>(block_size_, n - p);
      at(b).tokens = static_cast<int32_t>(take);
      at(b).ref_count = 1;
      ++used_;
      peak_used_ = std::max(peak_used_, used_);
      ++misses_;
      // start_record may grow tails_, so the pointer is refreshed rather than kept.
      if (t == nullptr) t = &start_record(r.key);
      t->record->contents.append(fresh.subspan(static_cast<size_t>(p), static_cast<size_t>(take)));
      // Only prefill-mode blocks are hashed here, over the prompt prefix they complete.
      if (take == block_size_ && prefill) set_hash(b, prompt_prefix_digest(r, start + p + take));
      new_log.emplace_back(b, hash_before);
      push_block(*t, b);
      p += take;
    }
  }
  return true;
}

// Whether `tokens` more tokens (and, for a first allocation, the cached prefix blocks that sit on
// the free list) fit in the free blocks: room left in a partial last block is used first.
bool BlockStore::fits_exactly(const KvRequest& r, int64_t tokens, std::span<const BlockId> cached) const {
  if (tokens == 0) return true;  // nothing is committed (see the loop in allocate)
  int64_t room = 0;
  int64_t reclaimed = 0;  // cached blocks taken off the free list
  const auto i = static_cast<size_t>(r.key);
  if (i < tails_.size() && tails_[i].record != nullptr) {
    const int32_t fill = tails_[i].fill;
    if (fill > 0 && fill < block_size_) room = block_size_ - fill;
  } else {
    for (const BlockId b : cached) reclaimed += at(b).ref_count == 0 ? 1 : 0;
  }
  const int64_t fresh_blocks = blocks_for(std::max<int64_t>(tokens - room, 0), block_size_);
  return fresh_blocks + reclaimed <= total_ - used_;
}

// Rollback (§5.6). Deleting the request's whole block list — also the blocks it owned before
// this call — is the reference's block leak (§5.6 NOTE): those blocks stay in use forever.
void BlockStore::rollback(int64_t request_key,
                          const std::vector<std::pair<BlockId, bool>>& cached_log,
                          const std::vector<std::pair<BlockId, std::optional<Digest>>>& new_log) {
  for (auto it = new_log.rbegin(); it != new_log.rend(); ++it) {
    const BlockId b = it->first;
    if (hashed(b)) hash_to_block_.erase(at(b).hash);
    if (it->second) {
      hashed_[static_cast<size_t>(b)] = 1;
      at(b).hash = *it->second;
      hash_to_block_.assign(*it->second, b);
    } else {
      hashed_[static_cast<size_t>(b)] = 0;
    }
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
        --used_;
      append_free(b);  // tail, not its old position: LRU order changes
    }
  }
  if (const RequestTail* t = tail_of(request_key); t != nullptr && t->record != nullptr) {
    // The blocks the request held before this call stay in use with no list to free them.
    leaked_ += static_cast<int64_t>(t->record->blocks.size() - new_log.size() - cached_log.size());
  }
  take_record(request_key);
}

// ReleaseKVBlocks (§5.7): last block first, so longer prefixes sit nearer the head.
void BlockStore::release(int64_t request_key) {
  const RequestBlocks* record = take_record(request_key);
  if (record == nullptr) return;
  for (auto it = record->blocks.rbegin(); it != record->blocks.rend(); ++it) {
    const BlockId b = *it;
    if (--at(b).ref_count == 0) {
        --used_;
      append_free(b);
    }
  }
}

// ---- tiered-cache support (§5.10) ---------------------------------------------------------

BlockId BlockStore::first_hashed_free_block() const {
  for (BlockId b = free_head_; b >= 0; b = at(b).next) {
    if (hashed(b)) return b;
  }
  return -1;
}

void BlockStore::evict_to_tail(BlockId b) {
  unlink(b);
  forget_hash(b);
  at(b).tokens = 0;
  append_free(b);
}

void BlockStore::install_reloaded(int32_t token_count, const Digest& d) {
  const BlockId b = pop_free();
  at(b).tokens = token_count;
  at(b).ref_count = 0;
  set_hash(b, d);
  append_free(b);
}

}  // namespace blis::kv
