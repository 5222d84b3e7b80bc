// Go 1.19 math/rand constant tables (engine-core §9.2; values in shared/reference/go-tables/).
// Defined in go_rand_tables.cpp, which is generated from those text files.
#pragma once

#include <array>
#include <cstdint>

namespace blis::core::go_tables {

extern const std::array<int64_t, 607> kRngCooked;  // rng.go rngCooked (seeding)

// normal.go: 128-strip ziggurat for NormFloat64.
extern const std::array<uint32_t, 128> kNormKn;
extern const std::array<float, 128> kNormWn;
extern const std::array<float, 128> kNormFn;

// exp.go: 256-strip ziggurat for ExpFloat64.
extern const std::array<uint32_t, 256> kExpKe;
extern const std::array<float, 256> kExpWe;
extern const std::array<float, 256> kExpFe;

}  // namespace blis::core::go_tables
