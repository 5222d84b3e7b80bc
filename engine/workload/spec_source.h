// Requests of a WorkloadSpec (cluster-workload-trace §D.4), produced lazily in arrival order.
// The reference generates every client's requests up front, then stable-sorts them by arrival;
// here each client generates on demand from its own RNG stream (so the draws are the same) and
// a k-way merge by (arrival, client index, generation order) gives the same sequence and ids
// with memory bounded by the clients, not by the run. Multi-turn sessions, whose later rounds
// can arrive after later sessions start, wait in a per-client heap until no later session can
// precede them.
#pragma once

#include <map>
#include <memory>
#include <queue>
#include <vector>

#include "engine/core/corrections.h"
#include "engine/core/go_rand.h"
#include "engine/simulation.h"
#include "engine/workload/arrival_sampler.h"
#include "engine/workload/request_source.h"
#include "engine/workload/workload_spec.h"

namespace blis::workload {

class SpecSource final : public RequestSource {
 public:
  // `spec` must have clients (after inference-perf/ServeGen expansion) and be valid. Throws
  // blis::Error for sampler construction errors (`client "x" input distribution: ...`) and for
  // specs that would never finish (deliberate deviation, docs/deviations.md). `corrections`
  // choose the reference's multi-turn, reasoning and length-sampler behaviour or the corrected one
  // (length_floor_one and constant_keeps_zero are read by make_length_sampler).
  SpecSource(const WorkloadSpecFile& spec, int64_t seed, Tick horizon, int64_t max_requests,
             const core::Corrections& corrections, const DiagnosticSink& log);
  ~SpecSource() override;
  bool next(GeneratedRequest& out) override;

  class Client;
  // The §D.10 corrections (NOTE 2, 19 and the cap NOTE), read once when the source is built.
  struct SessionRules {
    bool respect_horizon = false;       // multi_turn_respects_horizon
    bool respect_windows = false;       // multi_turn_respects_windows
    bool keep_client_fields = false;    // multi_turn_keeps_client_fields
    bool reasoning_everywhere = false;  // reasoning_without_multi_turn
    bool cap_per_round = false;         // multi_turn_cap_per_round
  };

 private:
  std::map<std::string, std::vector<kv::Token>> prefixes_;  // per prefix group; clients point here
  std::vector<std::unique_ptr<Client>> clients_;
  int64_t max_requests_;
  int64_t emitted_ = 0;
};

}  // namespace blis::workload
