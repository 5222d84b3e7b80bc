// How a preempted request comes back in corrected mode (correction preempt_resumes_from_reached).
//
// vLLM's scheduler (v1/core/sched/scheduler.py, _preempt_request) frees a victim's blocks and
// sets num_computed_tokens to 0 but keeps its output tokens: on re-admission it recomputes all
// num_tokens = prompt + generated tokens as (chunked) prefill, minus what the prefix cache still
// holds, and the step that finishes the recompute samples the next token. Its first-token time
// is never taken again. LLMServingSim's scheduler does the same (serving/core/scheduler.py,
// _preempt_request / _num_new_tokens). The reference instead restarts the request: it
// re-prefills the prompt and generates every output token again, one step each, and takes a new
// TTFT (engine-core §3.2, §2.4).
//
// Here a resumed request's prefill ends at resume_len = (progress at preemption) + 1: the prompt,
// the generated tokens whose KV it had, and the last sampled token, whose forward pass samples
// the next one. Requests that were never preempted have resume_len 0 and run as before.
#include <algorithm>

#include "engine/instance/instance.h"

namespace blis::instance {

int64_t Instance::prefill_end(const Request& r) const { return std::max(r.input_len, r.resume_len); }

bool Instance::allocate_prefill(Request& r, int64_t start, int64_t end, std::span<const kv::BlockId> cached) {
  // Within the prompt (every prefill but a recompute's generated part): the KV cache's own call.
  if (end <= r.input_len) return kv_->allocate(kv_view(r), start, end, cached);
  // The KV cache takes prompt tokens in prefill mode and output tokens one at a time in decode
  // mode, as they were first allocated. What succeeded stays booked in kv_split_to, so a retry
  // (after Phase A preempts someone) continues where this call stopped.
  int64_t from = std::max(start, r.kv_split_to);
  if (from < r.input_len) {
    if (!kv_->allocate(kv_view(r), from, r.input_len, cached)) return false;
    from = r.input_len;
    r.kv_split_to = from;
  }
  kv::KvRequest token = kv_view(r);
  for (; from < end; ++from) {
    token.progress = from;  // decode mode for output token `from - input_len`
    if (!kv_->allocate(token, from, from + 1, {})) return false;
    r.kv_split_to = from + 1;
  }
  return true;
}

// THE place the correction is read: every decision it changes is one of the functions below.
bool Instance::resumes_from_reached() const { return config_.corrections.preempt_resumes_from_reached; }

void Instance::keep_reached_tokens(Request& victim) {
  victim.kv_split_to = 0;  // its blocks are being released
  if (!resumes_from_reached()) return;
  // Past its prompt and not inside an earlier recompute: it recomputes what it reached. A victim
  // still inside a recompute keeps that target; one still in its first prefill restarts it.
  if (victim.progress >= victim.input_len && victim.progress >= victim.resume_len) {
    victim.resume_len = victim.progress + 1;
  }
}

// Like TTFT, the first scheduling counts: vLLM keeps a request's first scheduled_ts. The
// reference overwrites the scheduling delay on every re-admission.
bool Instance::takes_scheduling_delay(const Request& r) const {
  return !(resumes_from_reached() && r.has_scheduling_delay);
}

// The first token is taken once, as vLLM does. The reference takes a new TTFT after the
// re-prefill of a restarted request (TTFTSum keeps both).
bool Instance::takes_first_token(const Request& r) const { return !(resumes_from_reached() && r.has_ttft); }

}  // namespace blis::instance
