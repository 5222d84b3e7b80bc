// The reference's partitioned RNG (sim/rng.go): one Go math/rand stream per named subsystem,
// created lazily and cached. "workload" is seeded with the run seed itself; every other name
// with seed XOR fnv1a64(name) (engine-core §9.1).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "engine/core/go_rand.h"

namespace blis::core {

uint64_t fnv1a64(std::string_view bytes);

class PartitionedRng {
 public:
  explicit PartitionedRng(int64_t seed) : seed_(seed) {}
  int64_t seed() const { return seed_; }
  static int64_t subsystem_seed(int64_t seed, std::string_view name);
  GoRand& for_subsystem(std::string_view name);

 private:
  int64_t seed_;
  std::map<std::string, std::unique_ptr<GoRand>, std::less<>> streams_;
};

}  // namespace blis::core
