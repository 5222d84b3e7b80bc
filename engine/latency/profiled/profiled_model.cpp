#include "engine/latency/profiled/profiled_model.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "engine/core/error.h"

namespace blis::latency {

ProfiledModel::ProfiledModel(std::vector<double> alpha, std::shared_ptr<const profiled::LayerProfile> profile,
                             int64_t num_layers, profiled::RingAllReduce all_reduce, int64_t hidden_dim,
                             profiled::MoeRouting moe)
    : LatencyModel(std::move(alpha)),
      profile_(std::move(profile)),
      num_layers_(static_cast<double>(num_layers)),
      all_reduce_(all_reduce),
      all_reduce_bytes_per_token_(2.0 * static_cast<double>(hidden_dim)),
      moe_(moe) {
  if (moe_.num_experts > 0 && (profile_->moe.empty() || hidden_dim <= 0 || moe_.top_k <= 0 || moe_.ep <= 0 ||
                               moe_.moe_layers > num_layers)) {
    throw Error(fmt::format("the profiled latency model of an MoE model needs the profile's moe.csv, the model's "
                            "hidden_size, num_experts_per_tok and EP >= 1 (have {} experts, top-k {}, EP {})",
                            moe_.num_experts, moe_.top_k, moe_.ep));
  }
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
  // Dense blocks all-reduce twice per layer (after o_proj and after down_proj); an MoE block once
  // (after o_proj: its experts are combined by the EP collectives instead).
  const double moe_layers = static_cast<double>(moe_.moe_layers);
  if (all_reduce_.ranks > 1) {
    total += (2 * num_layers_ - moe_layers) * all_reduce_.time_us(tokens * all_reduce_bytes_per_token_);
  }
  if (moe_layers > 0) total += moe_layers * moe_block_us(tokens);
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

double ProfiledModel::moe_block_us(double tokens) const {
  const double ep = static_cast<double>(moe_.ep), k = static_cast<double>(moe_.top_k);
  const double experts = static_cast<double>(moe_.num_experts);
  const double hit = moe_.ep <= 1 ? 1.0 : 1.0 - std::pow((ep - 1) / ep, k);
  const double local_tokens = std::round(tokens * hit);
  const double activated = std::max(1.0, std::min(std::round(tokens * k / ep), std::floor(experts / ep)));
  double us = local_tokens > 0 ? profile_->moe.time_us(local_tokens, activated) : 0;
  if (moe_.ep > 1) {
    const double hidden_bytes = all_reduce_bytes_per_token_;  // hidden * 2
    const double gather_bytes = std::max(1.0, std::floor(tokens / ep)) * (hidden_bytes + 2 * experts);
    const double scatter_bytes = tokens * hidden_bytes / ep;
    const profiled::RingAllReduce& l = moe_.link;
    us += (ep - 1) * (l.link_latency_us + gather_bytes / (l.link_bandwidth_gbps * 1e3));
    us += (ep - 1) * (l.link_latency_us + scatter_bytes / (l.link_bandwidth_gbps * 1e3));
  }
  return us;
}

Tick ProfiledModel::step_time(std::span<const StepMember> batch) const {
  return go_round_to_int64(step_time_us(batch));
}

}  // namespace blis::latency
