// The attention skew correction of a layer-wise profile (LLMServingSim's profiler/core/skew.py
// and fit_alpha.py write it; serving/core/trace_generator.py: _skew_alpha and
// _lookup_attention_with_skew apply it).
//
// The attention grid measures batches whose decodes all have the same KV length, so a real
// batch is looked up at its mean decode KV. A batch with mixed lengths runs slower than that
// uniform batch (FlashAttention's varlen kernel pays tile padding and SM imbalance), and the
// profiler measured how much: the time is
//
//     t = t(mean) + alpha * (t(max) - t(mean))
//
// with alpha fitted per bucket of (prefill chunk, decode count, skew rate, longest decode KV,
// prefill KV). The bucket edges and each TP degree's pooled alpha_default are in the variant's
// meta.yaml (skew_fit: bucket_axes, per_tp); the per-bucket alphas in tp<N>/skew_fit.csv[.gz].
// A profile without a skew fit gets alpha 0, as in LLMServingSim: no correction is better than
// an unmeasured one.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace blis::latency::profiled {

// One bucketed axis: value v falls in the first label i with v <= edges[i + 1] (right-inclusive,
// as LLMServingSim's _bucket_label), the last label beyond the last edge.
struct SkewAxis {
  std::vector<double> edges;        // labels.size() + 1 values
  std::vector<std::string> labels;
  std::size_t bucket(double v) const;
};

class SkewFit {
 public:
  SkewAxis n, skew_rate, kv_big, kp;
  double alpha_default = 0;
  // (prefill chunk as measured, n, skew rate, kv_big, kp bucket indices) -> alpha
  std::map<std::array<int64_t, 5>, double> alpha_by_bucket;

  // alpha of a batch: its exact bucket, else alpha_default. The prefill chunk matches only a
  // profiled value exactly (LLMServingSim keys the table by the raw chunk), so batches with
  // another chunk size take alpha_default.
  double alpha(double prefill_chunk, double n_decode, double skew_rate, double kv_decode_max,
               double kv_prefill) const;
};

// The skew fit of the profile folder `tp_directory` (.../<dtype>/tp<N>), from <dtype>/meta.yaml
// and tp<N>/skew_fit.csv[.gz]. nullopt when meta.yaml is absent, has no skew_fit block or says
// enabled: false. alpha_default only (no buckets) when the meta has no entry table for this TP's
// CSV and the CSV is absent. Throws blis::Error naming the file (and line) on bad content.
std::optional<SkewFit> load_skew_fit(const std::string& tp_directory, int64_t tp);

}  // namespace blis::latency::profiled
