// Go 1.19 math/rand v1 port (engine-core §9.2, cluster-workload-trace §0). Every branch and every
// rounding step mirrors Go's rng.go / rand.go / normal.go / exp.go: a single extra or missing draw
// shifts the whole stream and breaks parity with the reference.
#include "engine/core/go_rand.h"

#include <string>

#include "engine/core/error.h"
#include "engine/core/go_math.h"
#include "engine/core/go_rand_tables.h"

namespace blis::core {

namespace {

constexpr int32_t kInt32Max = 2147483647;  // also the Park–Miller modulus 2^31 - 1
constexpr uint64_t kInt63Mask = (uint64_t{1} << 63) - 1;

// Ziggurat tail starts (normal.go rn, exp.go re).
constexpr double kNormR = 3.442619855899;
constexpr double kExpR = 7.69711747013104972;
// Go folds 1.0/rn exactly at compile time; the spec (§9.2) states that the run-time double
// division gives the same double, which this assertion pins down.
constexpr double kInvNormR = 1.0 / kNormR;
static_assert(kInvNormR == 0.29047645161474317);

// One Park–Miller step x ← 48271·x mod (2^31-1), in Schrage's overflow-free form (Q = m / A,
// R = m % A), exactly as Go's seedrand computes it in int32 arithmetic.
int32_t seedrand(int32_t x) {
  constexpr int32_t kA = 48271;
  constexpr int32_t kQ = 44488;
  constexpr int32_t kR = 3399;
  const int32_t hi = x / kQ;
  const int32_t lo = x % kQ;
  x = kA * lo - kR * hi;
  if (x < 0) x += kInt32Max;
  return x;
}

[[noreturn]] void throw_bad_bound(const char* method, int64_t n) {
  throw Error(std::string("invalid argument to ") + method + ": n must be > 0, got " +
              std::to_string(n));
}

}  // namespace

GoRand::GoRand(int64_t seed) {
  // rngSource.Seed: reduce the seed into [1, 2^31-2], warm the generator up with 20 steps, then
  // fill each word from three successive values mixed with the cooked table.
  seed %= kInt32Max;
  if (seed < 0) seed += kInt32Max;
  if (seed == 0) seed = 89482311;
  int32_t x = static_cast<int32_t>(seed);
  for (int i = 0; i < 20; ++i) x = seedrand(x);
  for (int i = 0; i < kLen; ++i) {
    // Shifts done unsigned: (x << 40) drops bits past 64, as Go's int64 shift does.
    x = seedrand(x);
    uint64_t u = static_cast<uint64_t>(x) << 40;
    x = seedrand(x);
    u ^= static_cast<uint64_t>(x) << 20;
    x = seedrand(x);
    u ^= static_cast<uint64_t>(x);
    u ^= static_cast<uint64_t>(go_tables::kRngCooked[static_cast<size_t>(i)]);
    vec_[static_cast<size_t>(i)] = static_cast<int64_t>(u);
  }
  tap_ = 0;
  feed_ = kLen - kTap;
}

uint64_t GoRand::uint64() {
  if (--tap_ < 0) tap_ += kLen;
  if (--feed_ < 0) feed_ += kLen;
  // Wrapping add, done unsigned to stay clear of signed overflow.
  const uint64_t sum = static_cast<uint64_t>(vec_[static_cast<size_t>(feed_)]) +
                       static_cast<uint64_t>(vec_[static_cast<size_t>(tap_)]);
  vec_[static_cast<size_t>(feed_)] = static_cast<int64_t>(sum);
  return sum;
}

int64_t GoRand::int63() { return static_cast<int64_t>(uint64() & kInt63Mask); }

uint32_t GoRand::uint32() { return static_cast<uint32_t>(int63() >> 31); }

int32_t GoRand::int31() { return static_cast<int32_t>(int63() >> 32); }

int32_t GoRand::int31n(int32_t n) {
  if (n <= 0) throw_bad_bound("Int31n", n);
  if ((n & (n - 1)) == 0) return int31() & (n - 1);
  // Largest accepted value: just below the last whole multiple of n in [0, 2^31).
  const uint32_t two31 = uint32_t{1} << 31;
  const auto max = static_cast<int32_t>(two31 - 1 - two31 % static_cast<uint32_t>(n));
  int32_t v = int31();
  while (v > max) v = int31();
  return v % n;
}

int64_t GoRand::int63n(int64_t n) {
  if (n <= 0) throw_bad_bound("Int63n", n);
  if ((n & (n - 1)) == 0) return int63() & (n - 1);
  const uint64_t two63 = uint64_t{1} << 63;
  const auto max = static_cast<int64_t>(two63 - 1 - two63 % static_cast<uint64_t>(n));
  int64_t v = int63();
  while (v > max) v = int63();
  return v % n;
}

int64_t GoRand::intn(int64_t n) {
  if (n <= 0) throw_bad_bound("Intn", n);
  // Go's Intn on a 64-bit int: the 32-bit path whenever n fits, which draws differently from
  // Int63n (Int31 = Int63 >> 32), so the split point is part of the stream contract.
  if (n <= kInt32Max) return int31n(static_cast<int32_t>(n));
  return int63n(n);
}

void GoRand::fill_intn(int64_t n, std::span<int64_t> out) {
  if (n <= 0) throw_bad_bound("Intn", n);
  if (n > kInt32Max || (n & (n - 1)) == 0) {
    for (int64_t& v : out) v = intn(n);
    return;
  }
  // int31n's rejection bound, and Lemire's multiply-based remainder (exact for 32-bit operands:
  // "Faster Remainder by Direct Computation", 2019) in place of the division.
  const auto d = static_cast<uint32_t>(n);
  const uint32_t two31 = uint32_t{1} << 31;
  const uint32_t max = two31 - 1 - two31 % d;
  const uint64_t magic = UINT64_MAX / d + 1;
  for (int64_t& out_value : out) {
    uint32_t v = static_cast<uint32_t>(int31());
    while (v > max) v = static_cast<uint32_t>(int31());
    const uint64_t low = magic * v;
    out_value = static_cast<int64_t>((static_cast<unsigned __int128>(low) * d) >> 64);
  }
}

double GoRand::float64() {
  // Go 1.19 Float64: a plain division that can round up to exactly 1.0; such draws are retried.
  for (;;) {
    const double f = static_cast<double>(int63()) / 9223372036854775808.0;  // 2^63
    if (f != 1.0) return f;
  }
}

double GoRand::norm_float64() {
  using go_tables::kNormFn;
  using go_tables::kNormKn;
  using go_tables::kNormWn;
  for (;;) {
    const auto j = static_cast<int32_t>(uint32());
    const auto i = static_cast<size_t>(j & 0x7F);
    double x = static_cast<double>(j) * static_cast<double>(kNormWn[i]);
    // |j| as uint32 (Go's absInt32): -INT32_MIN wraps to 2^31 instead of overflowing.
    const uint32_t abs_j = j < 0 ? 0u - static_cast<uint32_t>(j) : static_cast<uint32_t>(j);
    if (abs_j < kNormKn[i]) return x;  // inside the rectangle: the common fast path

    if (i == 0) {
      // Base strip: sample the tail beyond rn (Marsaglia's method).
      for (;;) {
        x = -gomath::log(float64()) * kInvNormR;
        const double y = -gomath::log(float64());
        if (y + y >= x * x) break;
      }
      return j > 0 ? kNormR + x : -kNormR - x;
    }

    // Wedge test, evaluated in float32 like Go (each operation rounded to float; the build's
    // -ffp-contract=off keeps the multiply and add separate). The right side uses Go's amd64
    // math.Exp (cluster-workload-trace §0.1) rounded to float32.
    const float u = static_cast<float>(float64());
    const float edge_gap = kNormFn[i - 1] - kNormFn[i];
    const float scaled = u * edge_gap;
    const float lhs = kNormFn[i] + scaled;
    if (lhs < static_cast<float>(gomath::exp(-0.5 * x * x))) return x;
  }
}

double GoRand::exp_float64() {
  using go_tables::kExpFe;
  using go_tables::kExpKe;
  using go_tables::kExpWe;
  for (;;) {
    const uint32_t j = uint32();
    const auto i = static_cast<size_t>(j & 0xFF);
    const double x = static_cast<double>(j) * static_cast<double>(kExpWe[i]);
    if (j < kExpKe[i]) return x;                        // fast path
    if (i == 0) return kExpR - gomath::log(float64());  // tail: memoryless beyond re
    // Wedge test in float32, as for norm_float64.
    const float u = static_cast<float>(float64());
    const float edge_gap = kExpFe[i - 1] - kExpFe[i];
    const float scaled = u * edge_gap;
    const float lhs = kExpFe[i] + scaled;
    if (lhs < static_cast<float>(gomath::exp(-x))) return x;
  }
}

}  // namespace blis::core
