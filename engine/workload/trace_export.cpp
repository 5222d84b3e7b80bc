#include "engine/workload/trace_export.h"

#include <algorithm>

namespace blis::workload {

WorkloadRecorder::WorkloadRecorder(std::unique_ptr<RequestSource> inner) : inner_(std::move(inner)) {}

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
  if (hint.literal) ++literal_;
  records_.push_back(std::move(r));
  return true;
}

}  // namespace blis::workload
