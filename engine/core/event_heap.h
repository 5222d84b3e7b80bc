// A binary min-heap keyed only by timestamp, replicating Go's container/heap operation for
// operation (engine-core §1.2). Equal-timestamp events pop in the order Go's sift-up/sift-down
// produce, which decides e.g. whether two requests queued at the same tick share a batch.
// std::priority_queue does not give the same tie order.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "engine/core/ticks.h"

namespace blis::core {

template <class Event>  // Event has a `Tick time` member
class GoEventHeap {
 public:
  bool empty() const { return h_.empty(); }
  size_t size() const { return h_.size(); }
  const Event& top() const { return h_.front(); }

  void push(const Event& e) {
    h_.push_back(e);
    size_t j = h_.size() - 1;
    while (true) {
      const size_t parent = j == 0 ? 0 : (j - 1) / 2;
      if (parent == j || !(h_[j].time < h_[parent].time)) break;
      std::swap(h_[parent], h_[j]);
      j = parent;
    }
  }

  Event pop() {
    const size_t n = h_.size() - 1;
    std::swap(h_[0], h_[n]);
    size_t i = 0;
    while (true) {
      size_t child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && h_[child + 1].time < h_[child].time) child = child + 1;
      if (!(h_[child].time < h_[i].time)) break;
      std::swap(h_[i], h_[child]);
      i = child;
    }
    Event e = h_.back();
    h_.pop_back();
    return e;
  }

 private:
  std::vector<Event> h_;
};

}  // namespace blis::core
