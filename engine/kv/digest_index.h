// Prefix digest -> block id, as an open-addressing table (linear probing, backward-shift
// deletion). A slot is 8 bytes: 32 bits of the digest as a tag and the block id. The full digest
// is not stored: every registered block carries its own digest (a block maps from exactly the
// digest it holds), so a tag match is confirmed by asking the owner for the block's digest.
// Slots are reused in LRU order across the whole cache, so they are cold; three times smaller
// slots than (digest, id) pairs keep far more of the table in cache.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/kv/token_digest.h"

namespace blis::kv {

// DigestOf: callable int32_t block -> const Digest& (the digest that block is registered under).
template <typename DigestOf>
class DigestIndex {
 public:
  explicit DigestIndex(DigestOf digest_of) : digest_of_(digest_of) { slots_.resize(64); }

  // The block registered under `d`, or -1.
  int32_t find(const Digest& d) const {
    const size_t i = locate(d);
    return slots_[i].block;
  }
  bool contains(const Digest& d) const { return find(d) >= 0; }

  // Registers `block` under `d`; a digest already registered is re-pointed at `block`.
  void assign(const Digest& d, int32_t block) {
    if ((size_ + 1) * 4 > slots_.size() * 3) grow();  // load <= 3/4: 8-byte slots keep probes short
    Slot& s = slots_[locate(d)];
    if (s.block < 0) ++size_;
    s = Slot{tag(d), block};
  }

  void erase(const Digest& d) {
    size_t hole = locate(d);
    if (slots_[hole].block < 0) return;
    // Backward-shift deletion keeps every probe chain unbroken without tombstones.
    for (size_t j = (hole + 1) & mask(); slots_[j].block >= 0; j = (j + 1) & mask()) {
      const size_t want = slots_[j].tag & mask();
      const bool movable = hole <= j ? (want <= hole || want > j) : (want <= hole && want > j);
      if (movable) {
        slots_[hole] = slots_[j];
        hole = j;
      }
    }
    slots_[hole].block = -1;
    --size_;
  }

  void prefetch(const Digest& d) const { __builtin_prefetch(&slots_[home(d)]); }

 private:
  struct Slot {
    uint32_t tag = 0;    // low 32 bits of the digest; its low bits are the home slot
    int32_t block = -1;  // -1 = empty
  };
  static uint32_t tag(const Digest& d) { return static_cast<uint32_t>(d.lo); }
  size_t mask() const { return slots_.size() - 1; }
  size_t home(const Digest& d) const { return tag(d) & mask(); }

  // The slot holding `d`, or the empty slot that ends its probe chain.
  size_t locate(const Digest& d) const {
    const uint32_t t = tag(d);
    for (size_t i = home(d);; i = (i + 1) & mask()) {
      const Slot& s = slots_[i];
      if (s.block < 0) return i;
      if (s.tag == t && digest_of_(s.block) == d) return i;
    }
  }

  void grow() {
    // The home slot comes from the tag, so growing never needs the full digests. The tag has
    // 32 bits; tables never exceed 2^32 slots (block ids are int32).
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    for (const Slot& s : old) {
      if (s.block < 0) continue;
      size_t i = s.tag & mask();
      while (slots_[i].block >= 0) i = (i + 1) & mask();
      slots_[i] = s;
    }
  }

  DigestOf digest_of_;
  std::vector<Slot> slots_;
  size_t size_ = 0;
};

}  // namespace blis::kv
