#include "engine/cluster/prefix_index.h"

#include <xxhash.h>

#include <cstring>

namespace blis::cluster {

void router_block_hashes(std::span<const Token> tokens, int64_t block_size, std::vector<Digest>& out) {
  out.clear();
  const size_t b = static_cast<size_t>(block_size);
  const size_t blocks = tokens.size() / b;
  out.reserve(blocks);
  // One contiguous buffer per block: [previous digest (16 bytes)] [the block's tokens], hashed
  // in one shot (block 0 has no previous digest).
  thread_local std::vector<uint64_t> buffer;
  buffer.resize(2 + b);
  for (size_t k = 0; k < blocks; ++k) {
    std::memcpy(buffer.data() + 2, tokens.data() + k * b, b * sizeof(Token));
    XXH128_hash_t h;
    if (k == 0) {
      h = XXH3_128bits(buffer.data() + 2, b * sizeof(Token));
    } else {
      buffer[0] = out.back().lo;
      buffer[1] = out.back().hi;
      h = XXH3_128bits(buffer.data(), (2 + b) * sizeof(Token));
    }
    out.push_back(Digest{h.low64, h.high64});
  }
}

Digest hash_all_tokens(std::span<const Token> tokens) {
  const XXH128_hash_t h = XXH3_128bits_withSeed(tokens.data(), tokens.size_bytes(), 0x626c6973);  // "blis"
  return Digest{h.low64, h.high64};
}

PrefixCacheIndex::PrefixCacheIndex(size_t instances, int64_t capacity) : capacity_(capacity) {
  for (size_t i = 0; i < instances; ++i) instances_.push_back(std::make_unique<PerInstance>());
}

void PrefixCacheIndex::unlink(PerInstance& p, int32_t n) {
  Node& node = p.nodes[static_cast<size_t>(n)];
  if (node.prev >= 0) p.nodes[static_cast<size_t>(node.prev)].next = node.next; else p.head = node.next;
  if (node.next >= 0) p.nodes[static_cast<size_t>(node.next)].prev = node.prev; else p.tail = node.prev;
  node.prev = node.next = -1;
}

void PrefixCacheIndex::append(PerInstance& p, int32_t n) {
  Node& node = p.nodes[static_cast<size_t>(n)];
  node.prev = p.tail;
  node.next = -1;
  if (p.tail >= 0) p.nodes[static_cast<size_t>(p.tail)].next = n; else p.head = n;
  p.tail = n;
}

void PrefixCacheIndex::record(std::span<const Digest> hashes, size_t instance) {
  if (capacity_ <= 0) return;
  PerInstance& p = *instances_[instance];
  for (const Digest& h : hashes) {
    if (const int32_t found = p.where.find(h); found >= 0) {
      unlink(p, found);
      append(p, found);
      continue;
    }
    int32_t n;
    if (static_cast<int64_t>(p.nodes.size()) >= capacity_) {
      // Evict the least recently recorded hash and reuse its node.
      n = p.head;
      unlink(p, n);
      p.where.erase(p.nodes[static_cast<size_t>(n)].hash);
    } else {
      n = static_cast<int32_t>(p.nodes.size());
      p.nodes.emplace_back();
    }
    p.nodes[static_cast<size_t>(n)].hash = h;
    append(p, n);
    p.where.assign(h, n);
  }
}

int64_t PrefixCacheIndex::match_length(std::span<const Digest> hashes, size_t instance) const {
  const PerInstance& p = *instances_[instance];
  int64_t matched = 0;
  for (const Digest& h : hashes) {
    if (!p.where.contains(h)) break;
    ++matched;
  }
  return matched;
}

}  // namespace blis::cluster
