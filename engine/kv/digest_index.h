// Prefix digest -> block id, as an open-addressing table (linear probing, backward-shift
// deletion). The node-based std::unordered_map cost a cache miss per node and dominated the
// step loop; entries never exceed the number of blocks (a block carries at most one digest).
#pragma once

#include <cstdint>
#include <vector>

#include "engine/kv/token_digest.h"

namespace blis::kv {

class DigestIndex {
 public:
  DigestIndex() { slots_.resize(64); }

  // The block registered under `d`, or -1.
  int32_t find(const Digest& d) const {
    for (size_t i = home(d);; i = (i + 1) & mask()) {
      const Slot& s = slots_[i];
      if (s.value < 0) return -1;
      if (s.key == d) return s.value;
    }
  }
  bool contains(const Digest& d) const { return find(d) >= 0; }

  void assign(const Digest& d, int32_t block) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    for (size_t i = home(d);; i = (i + 1) & mask()) {
      Slot& s = slots_[i];
      if (s.value < 0) {
        s = Slot{d, block};
        ++size_;
        return;
      }
      if (s.key == d) {
        s.value = block;
        return;
      }
    }
  }

  void erase(const Digest& d) {
    size_t i = home(d);
    for (;; i = (i + 1) & mask()) {
      if (slots_[i].value < 0) return;
      if (slots_[i].key == d) break;
    }
    // Backward-shift deletion keeps every probe chain unbroken without tombstones.
    size_t hole = i;
    for (size_t j = (hole + 1) & mask(); slots_[j].value >= 0; j = (j + 1) & mask()) {
      const size_t want = home(slots_[j].key);
      const bool movable = hole <= j ? (want <= hole || want > j) : (want <= hole && want > j);
      if (movable) {
        slots_[hole] = slots_[j];
        hole = j;
      }
    }
    slots_[hole].value = -1;
    --size_;
  }

 private:
  struct Slot {
    Digest key;
    int32_t value = -1;  // -1 = empty
  };
  size_t mask() const { return slots_.size() - 1; }
  size_t home(const Digest& d) const { return static_cast<size_t>(d.lo) & mask(); }
  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    size_ = 0;
    for (const Slot& s : old) {
      if (s.value >= 0) assign(s.key, s.value);
    }
  }

  std::vector<Slot> slots_;
  size_t size_ = 0;
};

}  // namespace blis::kv
