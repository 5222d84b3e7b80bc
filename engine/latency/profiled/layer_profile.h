// One model's layer-wise kernel profile in LLMServingSim's published layout
// (profiler/perf/<hw>/<org>/<model>/<dtype>/tp<N>/, written by llmservingsim/profiler/core/
// writer.py): dense.csv (layer,tokens,time_us), per_sequence.csv (layer,sequences,time_us) and
// attention.csv[.gz] (prefill_chunk,kv_prefill,n_decode,kv_decode,time_us), all measured on ONE
// transformer block (meta.yaml: hf_overrides num_hidden_layers 1) at one TP degree.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "engine/latency/profiled/attention_grid.h"
#include "engine/latency/profiled/moe_table.h"
#include "engine/latency/profiled/piecewise_linear.h"
#include "engine/latency/profiled/skew_fit.h"

namespace blis::latency::profiled {

struct LayerProfile {
  std::string directory;
  std::map<std::string, PiecewiseLinear> dense;         // layer -> time_us over batch tokens
  std::map<std::string, PiecewiseLinear> per_sequence;  // layer -> time_us over sequences in the batch
  AttentionGrid attention;
  std::optional<SkewFit> skew;  // the attention skew correction, when the profile measured it
  MoeTable moe;                 // the experts of an MoE model (empty for a dense model)
};

// Reads the tables of `tp_directory` (the tp<N> folder). Throws blis::Error naming the file (and
// line:column for bad content): a missing table, a layer or grid point measured twice, or a
// dense/per_sequence table lacking a layer the step composition needs. moe.csv is read from the
// folder, else from the sibling tp1/ (LLMServingSim profiles the experts once, at TP 1).
// `tp` selects the skew fit of that TP degree in <dtype>/meta.yaml (skew_fit.h).
LayerProfile load_layer_profile(const std::string& tp_directory, int64_t tp = 1);

// N of a folder named tp<N>, 0 when the name has another form.
int64_t profile_tp_degree(const std::string& tp_directory);

}  // namespace blis::latency::profiled
