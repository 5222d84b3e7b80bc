// The requests the inference-perf harness sends for blis's compact `inference_perf:` block, read
// faithfully (correction inference_perf_faithful; the reference's reading is spec_expansion.cpp,
// cluster-workload-trace §D.15). What the harness does (kubernetes-sigs/inference-perf at commit
// b81afa4, the release whose resolved configs are in sim2real A_*/results/config.yaml):
//
// * Stages run one after another, each at its own rate (loadgen/load_generator.py, run_stage):
//   stage k sends int(rate_k * duration_k) requests over its duration with the "constant" timer
//   (stage_timer.h). A stage's first request is scheduled one second after the stage is started
//   (`start_time = time.perf_counter() + 1`), and the next stage is started `load.interval`
//   (default 1.0 s, config.py LoadConfig) after the previous one. The harness also waits for a
//   stage's last responses before that interval; blis, which decides arrivals before the run,
//   does not (docs/deviations.md).
// * Request n of a stage (the count restarts at 0 in every stage) sends prompt n mod (groups x
//   prompts) of the shuffled pool (prompt_pool.h), asking for exactly output_len tokens
//   (`max_tokens`, with the server's ignore_eos, the harness's default).
// * enable_multi_turn_chat is not a setting of that release: the harness ignored it and sent the
//   same single-turn prompts (the A_ runs, all with the flag on, have a constant prompt_len).
//   blis does the same (and config/resolve_workload.cpp says so).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "engine/core/go_rand.h"
#include "engine/workload/inference_perf/poisson_timer.h"
#include "engine/workload/inference_perf/prompt_pool.h"
#include "engine/workload/inference_perf/stage_timer.h"
#include "engine/workload/request_source.h"
#include "engine/workload/workload_spec.h"

namespace blis::workload::inference_perf {

// The harness's timing between stages (see above), in microseconds: the fixed lead-in, and the
// default of `load.interval` (InferencePerfSpec::interval_us, set by a config file).
inline constexpr Tick kStageLeadInUs = 1'000'000;
inline constexpr Tick kStageIntervalUs = 1'000'000;

// Checks what the faithful reading needs beyond §D.15's validation: a prompt of at least one
// token, an output of at least one (the server rejects max_tokens 0) and stage request counts
// that fit an int64. Throws blis::Error naming the key ("inference_perf.shared_prefix.output_len
// ...").
void check_faithful(const InferencePerfSpec& ip);

// When stage `k` sends its first request at the earliest (its timer's start), in microseconds,
// for the constant timer, whose stages end exactly `duration` after they start. (A Poisson
// stage ends with its last send, a random time: HarnessSource starts the next one from there.)
Tick stage_start_us(const InferencePerfSpec& ip, size_t k);

class HarnessSource final : public RequestSource {
 public:
  // `ip` must have passed §D.15 validation and check_faithful. Arrivals at or after `horizon`
  // and requests beyond `max_requests` (> 0) are not generated.
  HarnessSource(const InferencePerfSpec& ip, int64_t seed, Tick horizon, int64_t max_requests);
  bool next(GeneratedRequest& out) override;

  // The stage of the request `next` gave last (for per-stage accounting).
  size_t stage() const { return stage_; }

 private:
  bool open_stage(size_t k);
  bool next_send(Tick& out);

  InferencePerfSpec ip_;
  core::GoRand rng_;
  PromptPool pool_;
  std::optional<StageTimer> timer_;            // load.type constant
  std::optional<PoissonStageTimer> poisson_;   // load.type poisson
  Tick stage_end_ = 0;  // of the open stage: its last send so far (Poisson), else start + duration
  std::vector<int64_t> first_request_of_slot_;  // -1: not sent yet
  size_t stage_ = 0;
  int64_t in_stage_ = 0, emitted_ = 0, max_requests_;
  Tick horizon_;
};

}  // namespace blis::workload::inference_perf
