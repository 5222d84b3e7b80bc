#include "engine/latency/profiled/profiled_model.h"

#include <cmath>
#include <fmt/format.h>

#include "engine/core/error.h"

namespace blis::latency {

ProfiledModel::ProfiledModel(std::vector<double> alpha, std::shared_ptr<const profiled::LayerProfile> profile,
                             int64_t num_layers)
    : LatencyModel(std::move(alpha)), profile_(std::move(profile)), num_layers_(static_cast<double>(num_layers)) {
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
  for (const StepMember& m : batch) {
    if (m.progress < m.input_len) {
      prefill_chunk += static_cast<double>(m.new_tokens);
      kv_prefill += static_cast<double>(m.progress);
      sequences += 1;
    } else if (m.output_len > 0) {
      n_decode += 1;
      kv_decode_sum += static_cast<double>(m.progress) + 1;  // KV read including this step's token
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
  total += num_layers_ * profile_->attention.time_us(prefill_chunk, kv_prefill, n_decode, kv_decode);
  return total;
}

Tick ProfiledModel::step_time(std::span<const StepMember> batch) const {
  return go_round_to_int64(step_time_us(batch));
}

}  // namespace blis::latency
