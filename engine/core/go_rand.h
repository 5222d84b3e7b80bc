// Bit-exact port of Go 1.19 math/rand (v1): the additive lagged-Fibonacci rngSource, seeding
// through seedrand + rngCooked, and the Rand methods the reference draws from
// (engine-core §9.2, cluster-workload-trace §0). std::*_distribution must never be used:
// their output is not specified and would break parity.
#pragma once

#include <array>
#include <span>
#include <cstdint>

namespace blis::core {

class GoRand {
 public:
  explicit GoRand(int64_t seed);

  uint64_t uint64();
  int64_t int63();        // uint64() & (2^63-1)
  uint32_t uint32();      // uint32(int63() >> 31)
  int32_t int31();        // int63() >> 32
  int32_t int31n(int32_t n);  // n > 0; power-of-two mask fast path, else rejection sampling
  int64_t int63n(int64_t n);  // n > 0
  int64_t intn(int64_t n);    // n > 0; Int31n when n <= 2^31-1, else Int63n (Go's Intn)
  // out[i] = intn(n) for i in order: the same draws as a loop of intn, without a call and a
  // hardware division per draw (token ids are drawn by the million).
  void fill_intn(int64_t n, std::span<int64_t> out);
  double float64();       // int63() / 2^63, redrawn when it rounds to 1.0
  double norm_float64();  // Go's ziggurat (normal.go), wedge test with the amd64 math.Exp
  double exp_float64();   // Go's ziggurat (exp.go)

 private:
  static constexpr int kLen = 607;
  static constexpr int kTap = 273;
  std::array<int64_t, kLen> vec_{};
  int tap_ = 0;
  int feed_ = kLen - kTap;
};

}  // namespace blis::core
