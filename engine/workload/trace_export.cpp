#include "engine/workload/trace_export.h"

#include <xxhash.h>

#include <algorithm>

namespace blis::workload {

WorkloadRecorder::WorkloadRecorder(std::unique_ptr<RequestSource> inner, int64_t block_size)
    : inner_(std::move(inner)), block_size_(std::max<int64_t>(1, block_size)) {}

std::pair<int64_t, int64_t> WorkloadRecorder::longest_literal_prefix(int64_t id, std::vector<kv::Token> sequence) {
  const auto n = static_cast<int64_t>(sequence.size());
  const int64_t blocks = n / block_size_;
  int64_t source = -1, shared_blocks = 0;
  uint64_t chain = 0;
  std::vector<uint64_t> chains;
  for (int64_t k = 0; k < blocks; ++k) {
    chain = XXH3_64bits_withSeed(sequence.data() + k * block_size_,
                                 static_cast<size_t>(block_size_) * sizeof(kv::Token), chain);
    chains.push_back(chain);
    const auto it = literal_blocks_.find(chain);
    if (it == literal_blocks_.end()) continue;
    // Confirm the candidate really shares these k+1 blocks (a 64-bit hash can collide).
    const std::vector<kv::Token>& other = literal_tokens_.at(it->second);
    const int64_t length = (k + 1) * block_size_;
    if (static_cast<int64_t>(other.size()) >= length &&
        std::equal(sequence.begin(), sequence.begin() + length, other.begin())) {
      source = it->second;
      shared_blocks = k + 1;
    }
  }
  for (const uint64_t c : chains) literal_blocks_.try_emplace(c, id);
  int64_t shared = 0;
  if (source >= 0) {
    const std::vector<kv::Token>& other = literal_tokens_.at(source);
    shared = shared_blocks * block_size_;
    while (shared < n && shared < static_cast<int64_t>(other.size()) && sequence[shared] == other[shared]) ++shared;
  }
  literal_tokens_.emplace(id, std::move(sequence));
  return {source, shared};
}

bool WorkloadRecorder::next(GeneratedRequest& out) {
  if (!inner_->next(out)) return false;
  TraceRecord r;
  r.request_id = out.id;
  r.client_id = out.labels.client_id;
  r.tenant_id = out.tenant_id;
  r.slo_class = out.slo_class;
  r.session_id = out.labels.session_id;
  r.round_index = out.labels.round_index;
  r.prefix_group = out.labels.prefix_group;
  r.streaming = out.labels.streaming;
  r.input_tokens = static_cast<int64_t>(out.input.size());
  r.output_tokens = static_cast<int64_t>(out.output.size());
  r.text_tokens = out.labels.text_tokens;
  r.image_tokens = out.labels.image_tokens;
  r.audio_tokens = out.labels.audio_tokens;
  r.video_tokens = out.labels.video_tokens;
  r.reason_ratio = out.labels.reason_ratio;
  r.arrival_time_us = out.arrival;
  const int64_t length = r.input_tokens + r.output_tokens;

  // The earlier request this one shares the longest prefix with. Beyond the hints every token
  // was drawn fresh, so the hints give the longest one (up to chance repeats of random ids).
  const SharingHint& hint = out.sharing;
  if (!hint.group.empty() && hint.group_tokens > 0) {
    const auto [it, first] = group_first_.try_emplace(hint.group, Sequence{out.id, length});
    if (!first) {
      r.prefix_source = it->second.id;
      r.prefix_tokens = std::min(hint.group_tokens, it->second.tokens);
    }
  }
  if (hint.source_id >= 0 && hint.source_tokens > r.prefix_tokens) {
    r.prefix_source = hint.source_id;
    r.prefix_tokens = hint.source_tokens;
  }
  if (hint.session >= 0) {
    const auto it = session_last_.find(hint.session);
    if (it != session_last_.end() && hint.session_tokens > r.prefix_tokens) {
      r.prefix_source = it->second.id;
      r.prefix_tokens = std::min(hint.session_tokens, it->second.tokens);
    }
    session_last_[hint.session] = Sequence{out.id, length};
  }
  if (hint.literal) {
    std::vector<kv::Token> sequence = out.input;
    sequence.insert(sequence.end(), out.output.begin(), out.output.end());
    const auto [source, shared] = longest_literal_prefix(out.id, std::move(sequence));
    if (source >= 0 && shared > r.prefix_tokens) {
      r.prefix_source = source;
      r.prefix_tokens = shared;
    }
  }
  records_.push_back(std::move(r));
  return true;
}

}  // namespace blis::workload
