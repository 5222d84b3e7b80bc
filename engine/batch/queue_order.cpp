#include "engine/batch/queue_order.h"

#include <algorithm>
#include <vector>

#include "engine/core/error.h"

namespace blis::batch {

PriorityPolicy parse_priority_policy(const std::string& name) {
  if (name.empty() || name == "constant") return PriorityPolicy::Constant;
  if (name == "slo-based") return PriorityPolicy::SloBased;
  if (name == "inverted-slo") return PriorityPolicy::InvertedSlo;
  throw Error("Unknown priority policy \"" + name + "\". Valid: constant, inverted-slo, slo-based");
}

Scheduler parse_scheduler(const std::string& name) {
  if (name.empty() || name == "fcfs") return Scheduler::Fcfs;
  if (name == "priority-fcfs") return Scheduler::PriorityFcfs;
  if (name == "sjf") return Scheduler::Sjf;
  if (name == "reverse-priority") return Scheduler::ReversePriority;
  throw Error("Unknown scheduler \"" + name + "\". Valid: fcfs, priority-fcfs, reverse-priority, sjf");
}

const char* name_of(PriorityPolicy p) {
  switch (p) {
    case PriorityPolicy::Constant: return "constant";
    case PriorityPolicy::SloBased: return "slo-based";
    case PriorityPolicy::InvertedSlo: return "inverted-slo";
  }
  return "constant";
}

const char* name_of(Scheduler s) {
  switch (s) {
    case Scheduler::Fcfs: return "fcfs";
    case Scheduler::PriorityFcfs: return "priority-fcfs";
    case Scheduler::Sjf: return "sjf";
    case Scheduler::ReversePriority: return "reverse-priority";
  }
  return "fcfs";
}

double priority_at(PriorityPolicy policy, const Request& r, Tick now) {
  switch (policy) {
    case PriorityPolicy::Constant: return 0.0;
    case PriorityPolicy::SloBased: return 0.0 + 1e-6 * static_cast<double>(now - r.arrival);
    case PriorityPolicy::InvertedSlo: return 0.0 - 1e-6 * static_cast<double>(now - r.arrival);
  }
  return 0.0;
}

namespace {

// Request ids compare byte-wise, so request_10 sorts before request_9 (§6).
bool id_less(const Request& a, const Request& b) { return request_id(a.index) < request_id(b.index); }

template <class Less>
void sort_queue(std::deque<RequestIndex>& queue, const std::deque<Request>& requests, Less less) {
  std::vector<RequestIndex> items(queue.begin(), queue.end());
  std::stable_sort(items.begin(), items.end(), [&](RequestIndex x, RequestIndex y) {
    return less(requests[static_cast<size_t>(x)], requests[static_cast<size_t>(y)]);
  });
  std::copy(items.begin(), items.end(), queue.begin());
}

}  // namespace

void order_wait_queue(Scheduler scheduler, std::deque<RequestIndex>& queue,
                      const std::deque<Request>& requests) {
  switch (scheduler) {
    case Scheduler::Fcfs:
      return;
    case Scheduler::PriorityFcfs:
      return sort_queue(queue, requests, [](const Request& a, const Request& b) {
        if (a.priority != b.priority) return a.priority > b.priority;
        if (a.arrival != b.arrival) return a.arrival < b.arrival;
        return id_less(a, b);
      });
    case Scheduler::Sjf:
      return sort_queue(queue, requests, [](const Request& a, const Request& b) {
        if (a.input_len != b.input_len) return a.input_len < b.input_len;
        if (a.arrival != b.arrival) return a.arrival < b.arrival;
        return id_less(a, b);
      });
    case Scheduler::ReversePriority:
      return sort_queue(queue, requests, [](const Request& a, const Request& b) {
        if (a.priority != b.priority) return a.priority < b.priority;
        if (a.arrival != b.arrival) return a.arrival < b.arrival;
        return id_less(a, b);
      });
  }
}

}  // namespace blis::batch
