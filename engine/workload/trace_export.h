// Writing a run's workload as a trace v2 file (§D.16), so the run can be replayed, shared or
// compared with measurements. The recorder sits between the workload and the engine and keeps
// one row per request it hands on, turning the generator's sharing hints into the blis
// columns "this request starts with the first k tokens of request j" (trace_v2.h); after the
// run the rows get the simulated times and outcome.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/workload/request_source.h"
#include "engine/workload/trace_v2.h"

namespace blis::workload {

class WorkloadRecorder final : public RequestSource {
 public:
  explicit WorkloadRecorder(std::unique_ptr<RequestSource> inner);
  bool next(GeneratedRequest& out) override;

  // One row per request handed on, in that (arrival) order; times and status still empty.
  std::vector<TraceRecord>& records() { return records_; }
  // Requests given as explicit token ids, whose sharing beyond prefix groups and sessions a
  // trace v2 file cannot record.
  int64_t literal_requests() const { return literal_; }

 private:
  struct Sequence {
    int64_t id;
    int64_t tokens;  // input + output
  };

  std::unique_ptr<RequestSource> inner_;
  std::vector<TraceRecord> records_;
  std::map<std::string, Sequence> group_first_;  // first request carrying each prefix group
  std::map<int64_t, Sequence> session_last_;     // latest round of each session
  int64_t literal_ = 0;
};

}  // namespace blis::workload
