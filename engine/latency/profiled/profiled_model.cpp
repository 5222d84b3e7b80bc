#include "engine/latency/profiled/profiled_model.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "engine/core/error.h"

namespace blis::latency {

ProfiledModel::ProfiledModel(std::vector<double> alpha, std::shared_ptr<const profiled::LayerProfile> profile,
                             int64_t num_layers, profiled::RingAllReduce all_reduce, int64_t hidden_dim)
    : LatencyModel(std::move(alpha)),
      profile_(std::move(profile)),
      num_layers_(static_cast<double>(num_layers)),
      all_reduce_(all_reduce),
      all_reduce_bytes_per_token_(2.0 * static_cast<double>(hidden_dim)) {
  if (all_reduce_.ranks > 1 && hidden_dim <= 0) {
    throw Error(fmt::format("the profiled latency model at TP {} needs the model's hidden_size to size its "
                            "all-reduces, got {}", all_reduce_.ranks, hidden_dim));
  }
  if (num_layers <= 0) {
    throw Error(fmt::format("the profiled latency model needs the model's number of transformer blocks "
                            "(num_hidden_layers > 0), got {}", num_layers));
  }
  // Which dense layer runs how often per step: llama.yaml's `sequence` puts embedding in the
  // prologue and final_layernorm in the head (once per step); every other dense layer is in a
  // transformer block, layernorm in both pre_attn and post_attn.
  for (const auto& [name, curve] : profile_->dense) {
    double count = num_layers_;
    if (name == "embedding" || name == "final_layernorm") count = 1;
    else if (name == "layernorm") count = 2 * num_layers_;
    token_terms_.push_back({&curve, count});
  }
  for (const auto& [name, curve] : profile_->per_sequence) sequence_terms_.push_back({&curve, 1});
}

double ProfiledModel::step_time_us(std::span<const StepMember> batch) const {
  // The batch as _build_batch_ctx sees it: prefill chunk tokens and their existing KV summed,
  // decodes counted with their mean KV length (the attention grid has one kv_decode per point).
  double prefill_chunk = 0, kv_prefill = 0, n_decode = 0, kv_decode_sum = 0, sequences = 0;
  double kv_decode_max = 0, kv_decode_min = 0;
  for (const StepMember& m : batch) {
    if (m.progress < m.input_len) {
      prefill_chunk += static_cast<double>(m.new_tokens);
      kv_prefill += static_cast<double>(m.progress);
      sequences += 1;
    } else if (m.output_len > 0) {
      n_decode += 1;
      const double kv = static_cast<double>(m.progress) + 1;  // KV read including this step's token
      kv_decode_min = n_decode == 0 ? kv : std::min(kv_decode_min, kv);
      kv_decode_max = std::max(kv_decode_max, kv);
      kv_decode_sum += kv;
      sequences += 1;
    }
  }
  if (sequences == 0) return 0;
  const double tokens = prefill_chunk + n_decode;
  // LLMServingSim floors the mean (integer division); blis keeps it exact: the grid is
  // interpolated linearly anyway and the floor only loses up to one token.
  const double kv_decode = n_decode > 0 ? kv_decode_sum / n_decode : 0;
  double total = 0;
  for (const Term& t : token_terms_) total += t.count * (*t.curve)(tokens);
  for (const Term& t : sequence_terms_) total += t.count * (*t.curve)(sequences);
  total += num_layers_ * attention_us(prefill_chunk, kv_prefill, n_decode, kv_decode, kv_decode_max, kv_decode_min);
  // Dense blocks all-reduce twice per layer (after o_proj and after down_proj).
  if (all_reduce_.ranks > 1) total += 2 * num_layers_ * all_reduce_.time_us(tokens * all_reduce_bytes_per_token_);
  return total;
}

double ProfiledModel::attention_us(double prefill_chunk, double kv_prefill, double n_decode, double kv_mean,
                                   double kv_max, double kv_min) const {
  const profiled::AttentionGrid& grid = profile_->attention;
  const double t_mean = grid.time_us(prefill_chunk, kv_prefill, n_decode, kv_mean);
  // One decode, or decodes all of one length: the uniform grid point is the batch.
  if (!profile_->skew || n_decode <= 1 || kv_max == kv_mean) return t_mean;
  // skew_rate in [0, 1]: where the mean sits between the shortest and the longest decode
  // (nb / n exactly for a batch of two lengths), as LLMServingSim's _lookup_attention_with_skew.
  const double gap = kv_max - kv_min;
  const double skew_rate = gap > 0 ? (kv_mean - kv_min) / gap : 0.5;
  const double a = profile_->skew->alpha(prefill_chunk, n_decode, skew_rate, kv_max, kv_prefill);
  if (a == 0) return t_mean;
  const double t_max = grid.time_us(prefill_chunk, kv_prefill, n_decode, kv_max);
  // An interpolation edge can put t_max below t_mean; a negative correction is not physical.
  if (t_max <= t_mean) return t_mean;
  return t_mean + a * (t_max - t_mean);
}

Tick ProfiledModel::step_time(std::span<const StepMember> batch) const {
  return go_round_to_int64(step_time_us(batch));
}

}  // namespace blis::latency
