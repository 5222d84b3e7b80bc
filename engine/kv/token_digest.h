// Prefix digests for the prefix cache. The reference hashes the '|'-joined decimal token ids of a
// whole prefix with SHA-256; only digest *equality* is observable (engine-core §5.2), so blis
// uses 128-bit XXH3 chained block by block (ChunkDigest).
#pragma once

#include <xxhash.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <span>
#include <vector>

namespace blis::kv {

using Token = int64_t;

struct Digest {
  uint64_t lo = 0, hi = 0;
  bool operator==(const Digest&) const = default;
};


// A running digest over a token sequence consumed in chunks of one block (B tokens): each
// complete chunk folds into the chain, h_k = XXH3-128(h_{k-1} || chunk_k). Every digest the KV
// cache takes is of a whole number of blocks (a prompt prefix at a block boundary, or the
// contents of a request's blocks, which are all full or empty when one of them completes), and
// those chunks are exactly the blocks, so equal digests still mean equal token sequences — the
// only property the prefix cache observes (engine-core §5.2). A chain needs 16 bytes of state per
// request and one short one-shot hash per block, where a streaming hash over the whole sequence
// needed a 576-byte state and a finalisation per block.
class ChunkDigest {
 public:
  explicit ChunkDigest(size_t chunk_tokens = 1) { reset(chunk_tokens); }
  void reset(size_t chunk_tokens) {
    chunk_ = chunk_tokens;
    predicted_ = false;
    buffer_.assign(2, 0);  // slots 0-1 carry the previous chunk's digest (the chain IV is 0)
    buffer_.reserve(2 + std::min<size_t>(chunk_, 4096));  // grows past that only for huge blocks
  }
  void append(std::span<const Token> tokens) {
    if (tokens.empty()) return;
    predicted_ = false;
    while (!tokens.empty()) {
      // Copy up to the end of the current chunk at once; fold when it is complete.
      const size_t room = 2 + chunk_ - buffer_.size();
      const size_t take = std::min(room, tokens.size());
      buffer_.insert(buffer_.end(), tokens.begin(), tokens.begin() + static_cast<std::ptrdiff_t>(take));
      tokens = tokens.subspan(take);
      if (buffer_.size() == 2 + chunk_) fold();
    }
  }
  void append_one(Token t) {
    if (buffer_.size() + 1 == 2 + chunk_ && predicted_ && t == predicted_token_) {
      set_chain(predicted_digest_);  // the digest predict() computed for exactly this token
      return;
    }
    predicted_ = false;
    buffer_.push_back(t);
    if (buffer_.size() == 2 + chunk_) fold();
  }
  // The digest that appending `next` would produce when it completes the current chunk (the
  // caller knows the next decode token in advance); remembered, so the append itself is free.
  // Lets the caller warm the index slot that digest will land in, one step early.
  Digest predict(Token next) {
    buffer_.push_back(next);
    predicted_digest_ = hash_buffer();
    buffer_.pop_back();
    predicted_token_ = next;
    predicted_ = true;
    return predicted_digest_;
  }
  bool one_token_from_chunk_end() const { return buffer_.size() + 1 == 2 + chunk_; }
  // Digest of everything appended so far (a trailing partial chunk is hashed as it stands,
  // without being consumed).
  Digest digest() const {
    if (buffer_.size() == 2) return Digest{static_cast<uint64_t>(buffer_[0]), static_cast<uint64_t>(buffer_[1])};
    return hash_buffer();
  }

 private:
  Digest hash_buffer() const {
    const XXH128_hash_t h = XXH3_128bits(buffer_.data(), buffer_.size() * sizeof(Token));
    return Digest{h.low64, h.high64};
  }
  void fold() { set_chain(hash_buffer()); }
  void set_chain(const Digest& d) {
    buffer_.resize(2);
    buffer_[0] = static_cast<Token>(d.lo);
    buffer_[1] = static_cast<Token>(d.hi);
    predicted_ = false;
  }
  size_t chunk_ = 1;
  bool predicted_ = false;
  Token predicted_token_ = 0;
  Digest predicted_digest_;
  std::vector<Token> buffer_;  // [previous digest (2 words)] [tokens of the current chunk]
};

// Digest of tokens[0:n] under the same chaining (any n; a partial last chunk is allowed).
inline Digest digest_of(std::span<const Token> tokens, int64_t block_size) {
  ChunkDigest d(static_cast<size_t>(block_size));
  d.append(tokens);
  return d.digest();
}

// Digests of a prompt's block-aligned prefixes tokens[0 : (i+1)*B], computed once on first use:
// GetCachedBlocks probes them for the queue head every step (engine-core §5.4).
class PrefixDigests {
 public:
  const std::vector<Digest>& get(std::span<const Token> tokens, int64_t block_size) {
    if (!computed_) {
      ChunkDigest running(static_cast<size_t>(block_size));
      const size_t full_blocks = tokens.size() / static_cast<size_t>(block_size);
      digests_.reserve(full_blocks);
      for (size_t i = 0; i < full_blocks; ++i) {
        running.append(tokens.subspan(i * static_cast<size_t>(block_size), static_cast<size_t>(block_size)));
        digests_.push_back(running.digest());
      }
      computed_ = true;
    }
    return digests_;
  }

 private:
  bool computed_ = false;
  std::vector<Digest> digests_;
};

}  // namespace blis::kv
