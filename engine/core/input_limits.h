// Caps on what a scenario, flag or workload spec may ask for. The reference has none: a
// constant length of 1e19 became 1 token, an empirical key of 2^31 tried to allocate 16 GB per
// request, 2 * 10^9 inference-perf users were expanded eagerly, and a block size of 2^63 - 1
// looped forever. Each cap is far above any real deployment and low enough that what it admits
// fits in memory; every rejection names the key and the cap (docs/safety.md, "Input limits").
#pragma once

#include <cstdint>

namespace blis::core::limits {

// Tokens in one request's prompt or output: the largest context window of any model (10M).
// Applies to token-count parameters (constant value, gaussian mean/min/max, exponential mean,
// pareto xm, empirical keys) and to every sampled or accumulated length.
inline constexpr int64_t kMaxTokensPerRequest = 10'000'000;

// Bins of one empirical PDF, and the size of an empirical distribution's file (a million
// `tokens,probability` rows fit in about 30 MB).
inline constexpr int64_t kMaxEmpiricalBins = 1'000'000;
inline constexpr int64_t kMaxEmpiricalFileBytes = 64 * 1024 * 1024;

// Clients of one workload spec after inference-perf or ServeGen expansion (each holds its own
// 5 KB random-number generator, so this is about 0.5 GB).
inline constexpr int64_t kMaxSpecClients = 100'000;

// Stages of an inference-perf spec, and the duration of one stage in seconds (about 31 years;
// keeps every window in microseconds within int64).
inline constexpr int64_t kMaxInferencePerfStages = 10'000;
inline constexpr int64_t kMaxStageDurationSeconds = 1'000'000'000;

// Rounds of one multi-turn session: every round is generated when the session starts.
inline constexpr int64_t kMaxSessionRounds = 10'000;

// KV cache geometry, per instance: tokens per block, and blocks in the GPU and CPU tiers
// (each block costs about 40 bytes of bookkeeping, allocated when the instance is built).
inline constexpr int64_t kMaxBlockSizeTokens = 1'048'576;
inline constexpr int64_t kMaxKvBlocks = 100'000'000;

}  // namespace blis::core::limits
