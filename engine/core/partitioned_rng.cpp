// Partitioned RNG of the reference (sim/rng.go; engine-core §9.1).
#include "engine/core/partitioned_rng.h"

namespace blis::core {

uint64_t fnv1a64(std::string_view bytes) {
  // FNV-1a, 64-bit: offset basis 14695981039346656037, prime 1099511628211 (Go's hash/fnv).
  uint64_t hash = 14695981039346656037ULL;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

int64_t PartitionedRng::subsystem_seed(int64_t seed, std::string_view name) {
  // "workload" keeps the bare seed so legacy workloads reproduce the pre-partitioning stream.
  if (name == "workload") return seed;
  return seed ^ static_cast<int64_t>(fnv1a64(name));
}

GoRand& PartitionedRng::for_subsystem(std::string_view name) {
  // Streams are created lazily on first use and then cached, so each subsystem keeps its own
  // position no matter how draws of different subsystems interleave.
  auto it = streams_.find(name);
  if (it == streams_.end()) {
    it = streams_.emplace(std::string(name), std::make_unique<GoRand>(subsystem_seed(seed_, name)))
             .first;
  }
  return *it->second;
}

}  // namespace blis::core
