// Simulated time and the Go-on-amd64 numeric conversions the reference relies on.
// 1 tick = 1 microsecond (engine-core §1.1). Int64 arithmetic wraps (the build uses -fwrapv).
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

namespace blis {

using Tick = int64_t;

inline constexpr Tick kInfiniteHorizon = std::numeric_limits<int64_t>::max();

// Go's int64(x) on amd64 (cvttsd2si): truncation toward zero, and INT64_MIN for NaN or any
// value outside the int64 range. A plain static_cast is undefined behaviour there.
inline int64_t go_int64(double x) {
  if (std::isnan(x) || x >= 9223372036854775808.0 || x < -9223372036854775808.0) return INT64_MIN;
  return static_cast<int64_t>(x);
}

// Go's int(math.Round(x)) for lengths: round half away from zero, then int64 conversion.
inline int64_t go_round_to_int64(double x) { return go_int64(std::round(x)); }

// Seconds (float) to ticks exactly as the reference converts them: int64(seconds * 1e6).
inline Tick seconds_to_ticks(double seconds) { return go_int64(seconds * 1e6); }

// Two's-complement wrapping add/sub without relying on signed-overflow behaviour.
inline int64_t wrap_add(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}

}  // namespace blis
