// The attention kernel time of one layer over LLMServingSim's 4-D grid (prefill_chunk,
// kv_prefill, n_decode, kv_decode), measured on doubling axes. The lookup follows LLMServingSim's
// (llmservingsim/serving/core/trace_generator.py: _lookup_attention, _attn_slice_lookup,
// _axis_bracket): bracket prefill_chunk and n_decode, look each of the four (pc, nd) corners up
// bilinearly over (kv_prefill, kv_decode), then blend the corners; every blend is linear (that
// file measures log-space blending as biased upward by +12..14%), clamped below the first sample
// and extended linearly beyond the last. A corner the profiler did not measure (the grid is not
// full: prefill chunk + KV is capped) takes the nearest measured (pc, nd) slice.
//
// Cheap on the hot path: the axes, the per-slice kv_prefill axes and the kv_decode curves are
// sorted once at load, and each grid pair's nearest measured slice is resolved then too, so a
// lookup is a handful of binary searches over arrays of about a dozen values.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "engine/latency/profiled/csv_table.h"
#include "engine/latency/profiled/piecewise_linear.h"

namespace blis::latency::profiled {

class AttentionGrid {
 public:
  AttentionGrid() = default;
  // From attention.csv(.gz): prefill_chunk,kv_prefill,n_decode,kv_decode,time_us. Throws
  // blis::Error naming file:line for a duplicated grid point.
  explicit AttentionGrid(const CsvTable& table);

  // Microseconds for one layer's attention over the batch's prefill chunk tokens, their
  // existing KV, the decode count and the decodes' mean KV length.
  double time_us(double prefill_chunk, double kv_prefill, double n_decode, double kv_decode) const;

  bool empty() const { return slices_.empty(); }

 private:
  struct Slice {  // one measured (pc, nd) pair: kv_decode curves per kv_prefill value
    std::vector<double> kv_prefill;
    std::vector<PiecewiseLinear> by_kv_decode;
  };
  double slice_time(std::size_t i_pc, std::size_t i_nd, double kv_prefill, double kv_decode) const;

  std::vector<double> pc_axis_, nd_axis_;
  std::vector<Slice> slices_;
  std::vector<std::size_t> slice_of_;  // [i_pc * nd_axis_.size() + i_nd] -> measured slice (nearest)
};

// Bracket of `x` on a sorted axis: (lo, hi, t) with value = v[lo] + t * (v[hi] - v[lo]); t = 0
// at or below the first value, t > 1 beyond the last (linear extension).
struct Bracket {
  std::size_t lo = 0, hi = 0;
  double t = 0;
};
Bracket bracket(const std::vector<double>& axis, double x);

}  // namespace blis::latency::profiled
