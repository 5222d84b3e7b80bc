// Which of its instance's steps a request decoded in. A running request in decode emits one token
// every step until it completes or is preempted, so its inter-token latencies (ITL, engine-core
// §2.4) are the latencies of a few contiguous step ranges ("stints") of its instance's step log:
// one range normally, one more per preemption. Keeping ranges instead of one entry per token
// makes a decode step O(1) per request and frees nothing per token.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace blis {

struct DecodeStints {
  int64_t open_from = -1;                           // first step of the current stint, -1 = none
  std::vector<std::pair<int64_t, int64_t>> closed;  // earlier stints [from, to), cut by preemption

  void close(int64_t to) {
    if (open_from >= 0) closed.emplace_back(open_from, to);
    open_from = -1;
  }
  void release() { std::vector<std::pair<int64_t, int64_t>>().swap(closed); }
};

}  // namespace blis
