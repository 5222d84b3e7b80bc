// Go 1.19 sort.Slice (pdqsort_func), written from the step-by-step description in engine-core
// §7.6.1. Every comparison and every swap happens in the same order as in the reference, because
// the order of equal keys in the results file depends on nothing else. Do not "simplify" any
// step: each odd-looking detail (the backward loop to absolute index 1, the swap counting of the
// pivot choice, the xorshift constants) changes tie order somewhere.
#include "engine/metrics/go_sort.h"

#include <bit>
#include <cstddef>
#include <cstdint>
#include <tuple>
#include <utility>

namespace blis::metrics {
namespace {

// Go's indices are signed ints; several loops run down to 0 or 1, so signed arithmetic keeps
// the port literal.
using Index = std::ptrdiff_t;

// Pivot-choice hints (§7.6.1 choosePivot).
enum class SortedHint { unknown, increasing, decreasing };

// Insertion sort below this length (§7.6.1 step 1).
constexpr Index kMaxInsertion = 12;
// choosePivot uses Tukey's ninther from this length on; partialInsertion only shifts from it on.
constexpr Index kShortestNinther = 50;
constexpr Index kShortestShifting = 50;
// partialInsertion gives up after this many out-of-order pairs.
constexpr int kMaxPartialSteps = 5;
// Three medians of three comparisons each: all twelve swapped means "strictly decreasing".
constexpr int kMaxPivotSwaps = 4 * 3;

// Number of significant bits (Go's bits.Len); 0 for 0.
int bit_length(Index n) { return static_cast<int>(std::bit_width(static_cast<uint64_t>(n))); }

class PdqSort {
 public:
  PdqSort(const SortLess& less, const SortSwap& swap) : less_(less), swap_(swap) {}

  void run(Index n) { pdq(0, n, bit_length(n)); }

 private:
  bool less(Index i, Index j) const {
    return less_(static_cast<size_t>(i), static_cast<size_t>(j));
  }
  void swap(Index i, Index j) const { swap_(static_cast<size_t>(i), static_cast<size_t>(j)); }

  // §7.6.1 pdq(a, b, limit): loops on the larger side, recurses on the smaller one.
  void pdq(Index a, Index b, int limit) {
    bool was_balanced = true;
    bool was_partitioned = true;
    for (;;) {
      const Index length = b - a;
      if (length <= kMaxInsertion) {
        insertion(a, b);
        return;
      }
      if (limit == 0) {
        heapsort(a, b);
        return;
      }
      if (!was_balanced) {
        break_patterns(a, b);
        --limit;
      }
      auto [pivot, hint] = choose_pivot(a, b);
      if (hint == SortedHint::decreasing) {
        reverse(a, b);
        // The pivot element moved with the reversal.
        pivot = (b - 1) - (pivot - a);
        hint = SortedHint::increasing;
      }
      if (was_balanced && was_partitioned && hint == SortedHint::increasing &&
          partial_insertion(a, b)) {
        return;
      }
      // The element just left of this range is a previous pivot, so nothing here is smaller
      // than it; if the pivot is not greater either, put everything equal to it in place.
      if (a > 0 && !less(a - 1, pivot)) {
        a = partition_equal(a, b, pivot);
        continue;
      }
      const auto [mid, already_partitioned] = partition(a, b, pivot);
      was_partitioned = already_partitioned;
      const Index left_length = mid - a;
      const Index right_length = b - mid;
      const Index balance_threshold = length / 8;
      if (left_length < right_length) {
        was_balanced = left_length >= balance_threshold;
        pdq(a, mid, limit);
        a = mid + 1;
      } else {
        was_balanced = right_length >= balance_threshold;
        pdq(mid + 1, b, limit);
        b = mid;
      }
    }
  }

  void insertion(Index a, Index b) const {
    for (Index i = a + 1; i < b; ++i) {
      for (Index j = i; j > a && less(j, j - 1); --j) swap(j, j - 1);
    }
  }

  // Sift-down within the heap stored at v[first .. first+hi), heap indices relative to first.
  void sift_down(Index root, Index hi, Index first) const {
    for (;;) {
      Index child = 2 * root + 1;
      if (child >= hi) return;
      if (child + 1 < hi && less(first + child, first + child + 1)) ++child;
      if (!less(first + root, first + child)) return;
      swap(first + root, first + child);
      root = child;
    }
  }

  void heapsort(Index a, Index b) const {
    const Index size = b - a;
    for (Index i = (size - 1) / 2; i >= 0; --i) sift_down(i, size, a);
    for (Index i = size - 1; i >= 0; --i) {
      swap(a, a + i);
      sift_down(0, i, a);
    }
  }

  // Deterministic shuffle of three middle elements after an unbalanced partition: a 64-bit
  // xorshift seeded with the length (shifts 13, 17, 5 in Go 1.19; later Go versions changed
  // them), reduced modulo the next power of two strictly above the length.
  void break_patterns(Index a, Index b) const {
    const Index length = b - a;
    if (length < 8) return;
    uint64_t random = static_cast<uint64_t>(length);
    const uint64_t mask = (uint64_t{1} << bit_length(length)) - 1;
    const Index middle = a + (length / 4) * 2;
    for (Index idx = middle - 1; idx <= middle + 1; ++idx) {
      random ^= random << 13;
      random ^= random >> 17;
      random ^= random << 5;
      Index other = static_cast<Index>(random & mask);
      if (other >= length) other -= length;
      swap(idx, a + other);
    }
  }

  // Orders two indices by their elements, counting how often they were out of order.
  std::pair<Index, Index> order2(Index x, Index y, int& swaps) const {
    if (less(y, x)) {
      ++swaps;
      return {y, x};
    }
    return {x, y};
  }

  Index median(Index x, Index y, Index z, int& swaps) const {
    std::tie(x, y) = order2(x, y, swaps);
    std::tie(y, z) = order2(y, z, swaps);
    std::tie(x, y) = order2(x, y, swaps);
    return y;
  }

  Index median_adjacent(Index x, int& swaps) const { return median(x - 1, x, x + 1, swaps); }

  // Picks a pivot index without moving anything; the swap count doubles as a sortedness hint.
  std::pair<Index, SortedHint> choose_pivot(Index a, Index b) const {
    const Index length = b - a;
    int swaps = 0;
    Index i = a + length / 4 * 1;
    Index j = a + length / 4 * 2;
    Index k = a + length / 4 * 3;
    if (length >= 8) {
      if (length >= kShortestNinther) {
        i = median_adjacent(i, swaps);
        j = median_adjacent(j, swaps);
        k = median_adjacent(k, swaps);
      }
      j = median(i, j, k, swaps);
    }
    if (swaps == 0) return {j, SortedHint::increasing};
    if (swaps == kMaxPivotSwaps) return {j, SortedHint::decreasing};
    return {j, SortedHint::unknown};
  }

  void reverse(Index a, Index b) const {
    for (Index i = a, j = b - 1; i < j; ++i, --j) swap(i, j);
  }

  // Tries to finish a nearly sorted range by fixing a few out-of-order pairs (§7.6.1).
  bool partial_insertion(Index a, Index b) const {
    Index i = a + 1;
    for (int step = 0; step < kMaxPartialSteps; ++step) {
      while (i < b && !less(i, i - 1)) ++i;
      if (i == b) return true;
      if (b - a < kShortestShifting) return false;
      swap(i, i - 1);
      // Shift the smaller element left. The reference's loop runs down to absolute index 1,
      // not a + 1: it may compare across the range's left edge (harmless there, because every
      // element left of a is <= every element of the range, but it costs comparisons).
      if (i - a >= 2) {
        for (Index j = i - 1; j >= 1; --j) {
          if (!less(j, j - 1)) break;
          swap(j, j - 1);
        }
      }
      // Shift the greater element right.
      if (b - i >= 2) {
        for (Index j = i + 1; j < b; ++j) {
          if (!less(j, j - 1)) break;
          swap(j, j - 1);
        }
      }
    }
    return false;
  }

  // Hoare-style partition around v[pivot] (moved to v[a] first). Returns the pivot's final
  // position and whether the range was already partitioned (no swap needed).
  std::pair<Index, bool> partition(Index a, Index b, Index pivot) const {
    swap(a, pivot);
    Index i = a + 1;
    Index j = b - 1;
    while (i <= j && less(i, a)) ++i;
    while (i <= j && !less(j, a)) --j;
    if (i > j) {
      swap(j, a);
      return {j, true};
    }
    swap(i, j);
    ++i;
    --j;
    for (;;) {
      while (i <= j && less(i, a)) ++i;
      while (i <= j && !less(j, a)) --j;
      if (i > j) break;
      swap(i, j);
      ++i;
      --j;
    }
    swap(j, a);
    return {j, false};
  }

  // Moves the elements equal to v[pivot] (none can be smaller, see pdq) to the front; returns
  // the index of the first element greater than the pivot.
  Index partition_equal(Index a, Index b, Index pivot) const {
    swap(a, pivot);
    Index i = a + 1;
    Index j = b - 1;
    for (;;) {
      while (i <= j && !less(a, i)) ++i;
      while (i <= j && less(a, j)) --j;
      if (i > j) break;
      swap(i, j);
      ++i;
      --j;
    }
    return i;
  }

  const SortLess& less_;
  const SortSwap& swap_;
};

}  // namespace

void go_sort_slice(size_t n, const SortLess& less, const SortSwap& swap) {
  PdqSort(less, swap).run(static_cast<Index>(n));
}

}  // namespace blis::metrics
