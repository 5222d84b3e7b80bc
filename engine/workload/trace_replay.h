// Replaying a trace v2 file (§D.17): one request per row, arriving at its `arrival_time_us`,
// with the row's token counts. Token ids are drawn from rand(seed); only which tokens are
// shared between requests matters to the simulation, and that comes from the file:
//   - files written by blis carry the sharing columns (trace_v2.h), and a request starts with
//     exactly the tokens of the earlier request named there, so replaying an exported run
//     rebuilds its prefix-cache behaviour, and its stdout, exactly;
//   - other files (measurements, the reference's) get one 50-token prefix per distinct
//     prefix_group, put in front of the row's input tokens as the reference does (NOTE 11) or,
//     with replay_prefix_within_input, as the first tokens of the recorded input.
// Rows are generated in file order (the draw order) and handed on in arrival order (stable),
// holding back only rows that a later row in the file arrives before.
#pragma once

#include <memory>
#include <queue>
#include <unordered_map>
#include <vector>

#include "engine/core/corrections.h"
#include "engine/core/go_rand.h"
#include "engine/workload/request_source.h"
#include "engine/workload/trace_v2.h"

namespace blis::workload {

// Throws blis::Error (file:line) if the trace cannot be replayed: an empty trace, a repeated
// request_id, a sharing column naming a row that is not earlier in the file, or sharing more
// tokens than either request has.
void check_replayable(const TraceV2& trace);

class TraceReplaySource final : public RequestSource {
 public:
  TraceReplaySource(std::shared_ptr<const TraceV2> trace, int64_t seed, const core::Corrections& corrections);
  bool next(GeneratedRequest& out) override;

 private:
  struct Ready {
    Tick arrival;
    size_t row;
    GeneratedRequest request;
  };
  struct Later {
    bool operator()(const Ready& a, const Ready& b) const {
      return a.arrival != b.arrival ? a.arrival > b.arrival : a.row > b.row;
    }
  };

  void generate(size_t row, GeneratedRequest& out);

  std::shared_ptr<const TraceV2> trace_;
  core::GoRand rng_;
  bool prefix_within_input_;  // replay_prefix_within_input
  std::vector<Tick> earliest_from_;             // min arrival of rows i.. (file order)
  std::vector<int64_t> source_row_;             // sharing source's row, or -1
  std::vector<int32_t> uses_left_;              // rows still to copy from this row's tokens
  std::unordered_map<size_t, std::vector<kv::Token>> kept_;  // sequences later rows copy from
  std::unordered_map<std::string, std::vector<kv::Token>> group_prefixes_;  // reference mode
  size_t next_row_ = 0;
  std::priority_queue<Ready, std::vector<Ready>, Later> ready_;
};

}  // namespace blis::workload
