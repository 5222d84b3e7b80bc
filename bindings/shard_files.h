// Shard files of a sweep run with --shard I/N, and `blis merge` reading them back
// (docs/experiments.md). A shard file names the script it ran; merge runs that script again, so
// every file is checked completely before anything runs — the numbers (index, count, point
// count, against hard caps and each other) and the script's fingerprint: a hash of the script's
// content and parameters recorded when the shard was written. A shard naming another script, or
// an edited one, is rejected and nothing runs.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bindings/experiment_runner.h"

namespace blis::bindings {

// The most points a sweep and the most shards a merge may have.
constexpr int64_t kMaxSweepPoints = 1'000'000;
constexpr int64_t kMaxShards = 1'000'000;

// The hash of the script's bytes and its parameters, as 16 hex digits; nullopt when the script
// cannot be read.
std::optional<std::string> script_fingerprint(const std::string& script, const std::vector<std::string>& params);

}  // namespace blis::bindings
