// Priority policies and instance schedulers (engine-core §6): each step recomputes the priority
// of every queued request and reorders the wait queue.
#pragma once

#include <deque>
#include <string>

#include "engine/request/request.h"

namespace blis::batch {

enum class PriorityPolicy { Constant, SloBased, InvertedSlo };
enum class Scheduler { Fcfs, PriorityFcfs, Sjf, ReversePriority };

// Parse the reference's names ("" = the default). Throw blis::Error listing the valid names.
PriorityPolicy parse_priority_policy(const std::string& name);
Scheduler parse_scheduler(const std::string& name);
const char* name_of(PriorityPolicy p);
const char* name_of(Scheduler s);

double priority_at(PriorityPolicy policy, const Request& r, Tick now);

// Reorders `queue` (request indices into `requests`). FCFS leaves it untouched.
void order_wait_queue(Scheduler scheduler, std::deque<RequestIndex>& queue,
                      const std::deque<Request>& requests);

}  // namespace blis::batch
