// The router's view of prefix locality (cluster-workload-trace §B.6): chained block hashes of a
// request's input, and per instance an LRU-bounded set of the hashes routed there. It tracks
// what was *routed*, not what an instance actually caches.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "engine/kv/digest_index.h"
#include "engine/kv/token_digest.h"

namespace blis::cluster {

using kv::Digest;
using kv::Token;

// h_0 = H(t[0:B]), h_k = H(h_{k-1}, t[kB:(k+1)B]) over the complete blocks; a partial tail is
// ignored. The reference uses SHA-256 of hex text; only equality is observable, so 128-bit XXH3
// chained over the previous digest's bytes serves (§B.6).
void router_block_hashes(std::span<const Token> tokens, int64_t block_size, std::vector<Digest>& out);

// hashTokens: one digest of all tokens, no chaining (the prefix-affinity policy's key for inputs
// shorter than a block). Seeded apart from the block hashes so the two families never meet.
Digest hash_all_tokens(std::span<const Token> tokens);

struct DigestHash {
  size_t operator()(const Digest& d) const { return static_cast<size_t>(d.lo ^ (d.hi * 0x9E3779B97F4A7C15ULL)); }
};

// PrefixCacheIndex: per instance, at most `capacity` hashes, evicting the least recently
// recorded one. Stamps in the reference are a per-instance counter bumped per recorded hash, so
// "smallest stamp" is exactly least-recently-recorded: a recency list replaces the stamp scan.
class PrefixCacheIndex {
 public:
  static constexpr int64_t kDefaultCapacity = 10000;  // blocks per instance (a constant)

  explicit PrefixCacheIndex(size_t instances, int64_t capacity = kDefaultCapacity);

  // Record(hashes, instance): each hash in order becomes the most recent.
  void record(std::span<const Digest> hashes, size_t instance);
  // MatchLength: leading hashes present on `instance` (does not change recency).
  int64_t match_length(std::span<const Digest> hashes, size_t instance) const;

 private:
  struct Node {
    Digest hash;
    int32_t prev = -1, next = -1;  // recency list: head = least recent
  };
  struct PerInstance;
  struct NodeDigest {
    const PerInstance* owner;
    const Digest& operator()(int32_t n) const { return owner->nodes[static_cast<size_t>(n)].hash; }
  };
  struct PerInstance {
    PerInstance() = default;
    PerInstance(const PerInstance&) = delete;  // the index points back at `nodes`
    std::vector<Node> nodes;
    kv::DigestIndex<NodeDigest> where{NodeDigest{this}};  // hash -> node (flat table)
    int32_t head = -1, tail = -1;
  };
  void unlink(PerInstance& p, int32_t n);
  void append(PerInstance& p, int32_t n);

  int64_t capacity_;
  std::vector<std::unique_ptr<PerInstance>> instances_;
};

}  // namespace blis::cluster
