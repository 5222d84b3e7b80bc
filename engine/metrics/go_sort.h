// Go 1.19 sort.Slice: the unstable pattern-defeating quicksort pdqsort_func, ported operation
// for operation so that elements with equal keys end in the reference's order
// (engine-core §7.6.1). The algorithm only sees indices: less(i, j) and swap(i, j) act on the
// caller's sequence.
#pragma once

#include <cstddef>
#include <functional>

namespace blis::metrics {

using SortLess = std::function<bool(size_t, size_t)>;
using SortSwap = std::function<void(size_t, size_t)>;

void go_sort_slice(size_t n, const SortLess& less, const SortSwap& swap);

}  // namespace blis::metrics
