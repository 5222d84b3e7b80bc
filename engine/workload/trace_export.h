// Writing a run's workload as a trace v2 file (§D.16), so the run can be replayed, shared or
// compared with measurements. The recorder sits between the workload and the engine and keeps
// one row per request it hands on, turning the generator's sharing hints into the blis
// columns "this request starts with the first k tokens of request j" (trace_v2.h); after the
// run the rows get the simulated times and outcome.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/workload/request_source.h"
#include "engine/workload/trace_v2.h"

namespace blis::workload {

// Requests given as explicit token ids (CSV traces, Lua lists) carry no hints; for them the
// recorder finds the sharing itself: the earlier explicit request with the longest common
// prefix, found block by block through chained block hashes and then token by token. Sharing
// is then exact in whole blocks of `block_size` tokens — all the cache and the router can see
// at that block size.
class WorkloadRecorder final : public RequestSource {
 public:
  WorkloadRecorder(std::unique_ptr<RequestSource> inner, int64_t block_size);
  bool next(GeneratedRequest& out) override;

  // One row per request handed on, in that (arrival) order; times and status still empty.
  std::vector<TraceRecord>& records() { return records_; }

 private:
  struct Sequence {
    int64_t id;
    int64_t tokens;  // input + output
  };
  // The longest prefix `sequence` shares with an earlier explicit request: (id, tokens).
  std::pair<int64_t, int64_t> longest_literal_prefix(int64_t id, std::vector<kv::Token> sequence);

  std::unique_ptr<RequestSource> inner_;
  int64_t block_size_;
  std::vector<TraceRecord> records_;
  std::map<std::string, Sequence> group_first_;  // first request carrying each prefix group
  std::map<int64_t, Sequence> session_last_;     // latest round of each session
  std::unordered_map<uint64_t, int64_t> literal_blocks_;  // chained hash of k blocks -> first request
  std::unordered_map<int64_t, std::vector<kv::Token>> literal_tokens_;  // explicit requests' sequences
};

}  // namespace blis::workload
