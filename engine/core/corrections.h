// Corrections of the reference's defects. Every behaviour the spec marks with NOTE: is reproduced
// in reference mode and corrected in corrected mode, each in the one place that implements it,
// behind its own switch here. The list below is the single source of the switch names: the
// scenario key `compat`, the `blis run --compat/--correction` flags, `blis corrections` and
// docs/deviations.md all use it. Low and shared: engine modules read their own switch from the
// Corrections they are given; nothing here knows about Lua or the front ends.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace blis::core {

// X(name, spec_reference, what_the_correction_does)
// Add a correction by adding one line; keep them grouped by the module that implements them.
#define BLIS_CORRECTIONS(X)                                                                        \
  /* KV cache (engine/kv) */                                                                      \
  X(kv_rollback_leak, "engine-core 5.6",                                                          \
    "an allocation checks the free blocks exactly before touching anything (as vLLM does), so a "   \
    "failed one changes nothing and no block is leaked")                                           \
  X(kv_stale_hash_deletion, "engine-core 5.9",                                                   \
    "reusing a block forgets its prefix digest only when the index still names that block, so a " \
    "newer block with the same prefix stays findable")                                            \
  X(kv_fully_cached_prompt, "engine-core 5.9",                                                    \
    "a prompt covered entirely by cached blocks recomputes its last token (as vLLM does) instead " \
    "of holding no blocks and getting its first token for free")                                  \
  X(tiered_cpu_overwrite, "engine-core 5.10",                                                     \
    "offloading over a CPU record of the same block id replaces it without using another CPU "    \
    "block")                                                                                      \
  X(tiered_retry_progress, "engine-core 5.10",                                                    \
    "after a CPU reload the tiered cache retries the caller's own range, so KV contents match "    \
    "the progress booked (and a retry past the allocation end cannot happen)")                    \
  /* Instance step loop (engine/instance) */                                                      \
  X(phase_a_skips_evicted, "engine-core 3.1",                                                     \
    "continuing requests are visited in the live batch, so a request evicted earlier in the step " \
    "is not visited again (no KV for queued requests, no false \"KV cache too small\" warning)")    \
  X(drop_requests_that_never_fit, "engine-core 3.9",                                              \
    "a request whose prompt and output together need more KV blocks than the whole cache is "     \
    "dropped as unservable when queued, instead of being preempted and re-admitted forever")      \
  X(step_pending_on_queue, "engine-core 1.4",                                                     \
    "the Step a Queued event pushes counts as the pending step, so an instance runs one step "    \
    "chain, not one per request queued at an idle tick")                                          \
  X(no_step_after_drop, "engine-core 3.9",                                                        \
    "a request dropped as unservable schedules no Step")                                          \
  X(decode_needs_reservation, "engine-core 3.6",                                                  \
    "batch members the token budget did not reach wait for the next step instead of generating "  \
    "a token without KV and being counted in the step time")                                      \
  X(preempt_resumes_from_reached, "engine-core 3.2, 2.4",                                          \
    "a preempted request keeps the tokens it generated and its first-token time: on resume it "    \
    "recomputes prompt + generated tokens as a prefill and goes on decoding (vLLM), instead of "   \
    "re-prefilling the prompt and generating every output token again")                            \
  X(single_completion_itl, "engine-core 2.4",                                                     \
    "the completing step's latency is not appended twice, so E2E ends with the last token")       \
  X(final_token_without_kv, "engine-core 3.7",                                                    \
    "a completing request books no KV slot for its final output token (vLLM never feeds the last " \
    "sampled token back), so a full cache logs no failed final-token allocation")                 \
  X(count_first_output_token, "engine-core 7.1",                                                  \
    "the token a finished prefill emits counts in total_output_tokens and tokens_per_sec")        \
  /* Cluster (engine/cluster) */                                                                   \
  X(snapshot_kv_first_read, "cluster-workload-trace A.6",                                         \
    "with a snapshot refresh interval, the first decision reads the KV signals instead of seeing " \
    "zeros until the clock reaches the interval")                                                 \
  X(prefix_affinity_key, "cluster-workload-trace B.3",                                            \
    "the prefix-affinity policy routes to the instance holding the longest leading run of the "   \
    "request's blocks already routed, so requests sharing a system prompt share an instance")     \
  X(weighted_regret, "cluster-workload-trace F.2",                                                \
    "a scored decision's regret is the chosen instance's load minus the least-loaded "            \
    "instance's load, not the score gap to itself (always 0)")                                    \
  X(horizon_in_flight, "cluster-workload-trace A.7",                                              \
    "requests cut off by the horizon between routing and queueing, or before admission or "       \
    "routing, are counted (still_in_transit, still_awaiting_decision), without a warning")        \
  /* Workload generation (engine/workload) */                                                   \
  X(legacy_iat_exact_mean, "cluster-workload-trace D.1.1",                                        \
    "the distribution workload places request k at round(k * 1e6 / rate) us, so --rate 10 "        \
    "spaces arrivals 100000 us apart instead of the truncated 99999")                              \
  X(multi_turn_respects_horizon, "cluster-workload-trace D.10",                                   \
    "a multi-turn session ends at the horizon: rounds that would arrive at or after it are not "   \
    "generated")                                                                                  \
  X(multi_turn_respects_windows, "cluster-workload-trace D.10",                                   \
    "multi-turn sessions start only inside the client's lifecycle windows and end at the first "   \
    "round that would arrive outside them")                                                        \
  X(multi_turn_cap_per_round, "cluster-workload-trace D.10",                                     \
    "a multi-turn client's cap of 2 x num_requests is checked before every round, so its last "     \
    "session is cut at the cap instead of overshooting it by up to max_rounds - 1")                 \
  X(multi_turn_keeps_client_fields, "cluster-workload-trace D.10",                                \
    "multi-turn rounds keep the client's prefix group, streaming flag and multimodal inputs")      \
  X(reasoning_without_multi_turn, "cluster-workload-trace D.10",                                  \
    "a reasoning block without multi_turn gives every request its sampled reason ratio instead of " \
    "being ignored")                                                                              \
  X(length_floor_one, "cluster-workload-trace D.6",                                               \
    "request input and output lengths from a gaussian with min == max or an empirical are at "     \
    "least 1 token, like every other sampled length")                                             \
  X(constant_keeps_zero, "cluster-workload-trace D.6, D.10",                                      \
    "a constant 0 for a reason ratio or a multimodal text length, item count or item size stays 0 " \
    "instead of becoming 1 (a ratio of 0.01, one image); request lengths still floor at 1")        \
  X(empirical_file_read, "cluster-workload-trace D.6",                                            \
    "an empirical distribution's file (CSV rows tokens,probability; relative to the spec file) is " \
    "read instead of ignored")                                                                    \
  X(servegen_numeric_order, "cluster-workload-trace D.14",                                        \
    "ServeGen chunks and dataset windows are taken in numeric order (chunk-2 before chunk-10)")    \
  X(replay_prefix_within_input, "cluster-workload-trace D.17",                                    \
    "trace v2 replay puts a prefix group's 50 shared tokens inside the recorded input tokens, not " \
    "in front of them")                                                                           \
  /* Metrics (engine/metrics) */                                                                   \
  X(per_slo_in_ms, "cluster-workload-trace E.7",                                                  \
    "the Per-SLO Metrics block prints milliseconds, like the JSON block, instead of microseconds")  \
  X(calibration_negative_latency_once, "cluster-workload-trace D.18",                             \
    "a real record with a negative TTFT or E2E counts once, as unmatched, not also as matched")    \
  X(calibration_excludes_failed, "cluster-workload-trace D.18",                                   \
    "real records whose status is not ok are left out of calibration (counted as failed_excluded)") \
  /* inference-perf workloads (engine/workload/inference_perf) */                              \
  X(inference_perf_faithful, "cluster-workload-trace D.15",                                       \
    "the compact inference_perf block is sent as the inference-perf harness sends it: each stage " \
    "at its own rate, a reused pool of system prompt x question prompts, exact lengths")          \
  /* Configuration (engine/config, bindings/run_flags.cpp) */                                     \
  X(stdev_range_check, "engine-core 8.4",                                                         \
    "a length distribution's stdev must be >= 0, not lie within [min, max] like a length")        \
  X(roofline_needs_gpu_tp, "engine-core 8.2",                                                     \
    "both roofline files without a GPU or a TP > 0 are an error, not a run whose steps take 0")   \
  X(max_model_len, "engine-core 8.1",                                                             \
    "when max_model_len is given, a request whose prompt and output exceed it is dropped as "     \
    "unservable when queued (not given: nothing is enforced)")                                    \
  X(scorers_need_weighted, "cluster-workload-trace B.7",                                          \
    "--routing-scorers (routing.scorers) is checked whatever the routing policy, so a malformed " \
    "value is an error, not a warning")                                                           \
  X(validate_latencies, "cluster-workload-trace G",                                               \
    "a negative admission or routing latency (or --horizon) is an error naming the flag or key, " \
    "not events scheduled in the past")                                                           \
  X(workload_spec_over_traces, "cluster-workload-trace D.1",                                      \
    "--workload traces without --workload-traces-filepath is not an error when --workload-spec "  \
    "is given, since the spec is what runs")                                                      \
  X(early_sampler_errors, "cluster-workload-trace D.4",                                           \
    "every client's multimodal and reason-ratio distributions are checked before the run, "        \
    "naming the client, not when its first request or session is drawn")                          \
  X(fitness_duplicate_keys, "cluster-workload-trace E.6",                                         \
    "a fitness weight key given twice is an error, not the later weight silently winning")

enum class CompatMode { Reference, Corrected };

struct Corrections {
#define BLIS_CORRECTION_FIELD(name, where, what) bool name = false;
  BLIS_CORRECTIONS(BLIS_CORRECTION_FIELD)
#undef BLIS_CORRECTION_FIELD

  // Every switch off (reference) or on (corrected).
  static Corrections for_mode(CompatMode mode);
  // The switch called `name`, or nullptr when there is none.
  bool* find(std::string_view name);
  bool any() const;
};

struct CorrectionInfo {
  const char* name;
  const char* where;  // the spec section of the NOTE it corrects
  const char* what;   // what the corrected behaviour does
};

// Every correction, in declaration order.
const std::vector<CorrectionInfo>& correction_catalogue();
std::string_view compat_mode_name(CompatMode mode);

}  // namespace blis::core
