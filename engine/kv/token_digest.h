// Prefix digests for the prefix cache. The reference hashes the '|'-joined decimal token ids of a
// whole prefix with SHA-256; only digest *equality* is observable (engine-core §5.2), so blis
// uses 128-bit XXH3 over the tokens' bytes, computed incrementally.
#pragma once

#include <xxhash.h>

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

inline Digest digest_of(std::span<const Token> tokens) {
  XXH128_hash_t h = XXH3_128bits(tokens.data(), tokens.size_bytes());
  return Digest{h.low64, h.high64};
}

// A running digest over a token sequence that grows at the end; digest() does not consume it.
// Tokens arrive one at a time during decode; they are buffered so that XXH3 sees whole blocks
// rather than 8-byte updates.
class StreamingDigest {
 public:
  StreamingDigest() : state_(XXH3_createState()) { reset(); }
  StreamingDigest(const StreamingDigest&) = delete;
  StreamingDigest& operator=(const StreamingDigest&) = delete;
  void reset() {
    XXH3_128bits_reset(state_.get());
    pending_.clear();
  }
  void append(std::span<const Token> tokens) {
    pending_.insert(pending_.end(), tokens.begin(), tokens.end());
    if (pending_.size() >= kFlushTokens) flush();
  }
  void append_one(Token t) {
    pending_.push_back(t);
    if (pending_.size() >= kFlushTokens) flush();
  }
  Digest digest() {
    flush();
    XXH128_hash_t h = XXH3_128bits_digest(state_.get());
    return Digest{h.low64, h.high64};
  }

 private:
  static constexpr size_t kFlushTokens = 512;
  void flush() {
    if (pending_.empty()) return;
    XXH3_128bits_update(state_.get(), pending_.data(), pending_.size() * sizeof(Token));
    pending_.clear();
  }
  struct Free { void operator()(XXH3_state_t* s) const { XXH3_freeState(s); } };
  std::unique_ptr<XXH3_state_t, Free> state_;
  std::vector<Token> pending_;
};

// Digests of a prompt's block-aligned prefixes tokens[0 : (i+1)*B], computed once on first use:
// GetCachedBlocks probes them for the queue head every step (engine-core §5.4).
class PrefixDigests {
 public:
  const std::vector<Digest>& get(std::span<const Token> tokens, int64_t block_size) {
    if (!computed_) {
      StreamingDigest running;
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
