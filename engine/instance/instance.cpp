#include "engine/instance/instance.h"

#include <fmt/format.h>

#include <algorithm>
#include <span>

#include "engine/core/error.h"

namespace blis::instance {

Instance::Instance(int index, const InstanceConfig& config, std::unique_ptr<kv::KvCache> kv,
                   const latency::LatencyModel& latency, std::deque<Request>& requests,
                   const DiagnosticSink& log)
    : index_(index), config_(config), kv_(std::move(kv)), latency_(latency), requests_(requests),
      log_(log) {}

void Instance::inject(RequestIndex r, Tick now) {
  requests_[static_cast<size_t>(r)].instance = index_;
  heap_.push({now, EventKind::Arrival, r});
}

kv::KvRequest Instance::kv_view(Request& r) {
  return kv::KvRequest{r.index, r.progress, r.input, r.output, &r.prefix_digests};
}

InstanceEvent Instance::execute_next_event() {
  const InstanceEvent e = heap_.pop();
  clock_ = e.time;  // every event kind advances the clock, no-op events included (§1.3)
  if (observer_ != nullptr) observer_->on_event(index_, e, requests_);
  switch (e.kind) {
    case EventKind::Arrival: {
      const Request& r = requests_[static_cast<size_t>(e.request)];
      heap_.push({wrap_add(e.time, latency_.queueing_time(r.input_len)), EventKind::Queued, e.request});
      break;
    }
    case EventKind::Queued:
      on_queued(e.request, e.time);
      break;
    case EventKind::Step:
      step(e.time);
      break;
    case EventKind::Scheduled:
    case EventKind::Preemption:
    case EventKind::RequestLeft:
      break;  // trace-only events
  }
  return e;
}

// Enqueue with the dropped-unservable guard (§3.9), then the Queued event's Step push (§1.3).
void Instance::on_queued(RequestIndex index, Tick now) {
  Request& r = requests_[static_cast<size_t>(index)];
  const int64_t block_size = kv_->block_size();
  // Reference: only the prompt is checked, so a request whose prompt fits but whose output does
  // not is preempted and re-admitted forever. Corrected (drop_requests_that_never_fit): the whole
  // request must fit, as in vLLM, whose max_model_len never exceeds what the KV cache holds.
  const bool whole = config_.corrections.drop_requests_that_never_fit;
  const int64_t tokens_kept = whole ? r.input_len + r.output_len : r.input_len;
  const int64_t blocks_needed = (tokens_kept + block_size - 1) / block_size;
  const bool too_long = config_.max_model_len > 0 && r.input_len + r.output_len > config_.max_model_len;
  if (too_long || blocks_needed > kv_->total_capacity()) {
    log_(LogLevel::Warning,
         too_long ? fmt::format("dropping request {}: its {} prompt and {} output tokens exceed max_model_len {}",
                                request_id(r.index), r.input_len, r.output_len, config_.max_model_len)
         : whole ? fmt::format("dropping request {}: its {} prompt and {} output tokens need {} KV blocks but the "
                             "cache has {}",
                             request_id(r.index), r.input_len, r.output_len, blocks_needed, kv_->total_capacity())
               : fmt::format("dropping request {}: its {} prompt tokens need {} KV blocks but the cache has {}",
                             request_id(r.index), r.input_len, blocks_needed, kv_->total_capacity()));
    ++counters_.dropped_unservable;
    r.registered = false;  // disappears from the results file
    r.input.clear();
    r.input.shrink_to_fit();
    r.output.clear();
    r.output.shrink_to_fit();
    // NOTE (§3.9): the Step push below still happens after a drop. Corrected
    // (no_step_after_drop): a drop adds no work, so it schedules nothing.
    if (config_.corrections.no_step_after_drop) return;
  } else {
    wait_queue_.push_back(index);
    counters_.total_input_tokens += r.input_len;
    progress_watch_.saw_request(r.input_len + r.output_len);
  }
  // NOTE (duplicate step chains, §1.4): the step-pending flag is not set here, so several
  // Queued events at one idle tick each start a chain of steps. Corrected
  // (step_pending_on_queue): the pushed Step is the pending one; one chain per instance.
  if (!step_pending_) {
    heap_.push({now, EventKind::Step, -1});
    if (config_.corrections.step_pending_on_queue) step_pending_ = true;
  }
}

// One continuing request of Phase A (§3.1 items 1–3); false stops Phase A.
bool Instance::schedule_continuing(RequestIndex index, int64_t& budget) {
  if (budget <= 0) {
    log_(LogLevel::Debug, "token budget exhausted before every running request was visited");
    return false;
  }
  Request& r = requests_[static_cast<size_t>(index)];
  int64_t need = prefill_end(r) - r.progress;
  if (need > 0) {
    const int64_t threshold = config_.long_prefill_threshold;
    if (threshold > 0 && threshold < need) need = threshold;
    need = std::min(need, budget);
    if (!reserve(index, need)) return false;
    budget -= need;
    counters_.prefill_tokens += need;
    r.num_new_tokens = need;
    r.computed += need;
  }
  if (r.progress >= prefill_end(r) && r.output_len > 0) {
    if (!reserve(index, 1)) return false;
    budget -= 1;
    r.num_new_tokens = 1;
    r.computed += 1;
  }
  return true;
}

// reserve(r, n) with tail preemption (§3.2).
bool Instance::reserve(RequestIndex index, int64_t tokens) {
  Request& r = requests_[static_cast<size_t>(index)];
  while (true) {
    const bool allocated = r.progress < prefill_end(r) ? allocate_prefill(r, r.progress, r.progress + tokens, {})
                                                       : kv_->allocate(kv_view(r), r.progress, r.progress + tokens, {});
    if (allocated) return true;
    if (running_.empty()) {
      log_(LogLevel::Warning, fmt::format("KV cache too small to serve request {}", request_id(r.index)));
      return false;
    }
    preempted_this_step_ = true;
    const RequestIndex victim_index = running_.back();  // always the tail, never by priority
    running_.pop_back();
    Request& victim = requests_[static_cast<size_t>(victim_index)];
    preempted_.push_back(victim_index);
    victim.state = RequestState::Queued;
    keep_reached_tokens(victim);
    victim.progress = 0;
    kv_->release(victim.index);
    victim.computed = 0;
    victim.decode_stints.close(step_latencies_.size());  // its last decode step was the previous one
    wait_queue_.push_front(victim_index);
    if (victim_index == index) return false;
  }
}

void Instance::step(Tick now) {
  // ---- Phase 0: bookkeeping and queue order (§3.0)
  ++step_count_;
  ++counters_.steps;
  kv_->set_clock(now);
  if (config_.priority != batch::PriorityPolicy::Constant) {
    for (RequestIndex q : wait_queue_) {
      Request& r = requests_[static_cast<size_t>(q)];
      r.priority = batch::priority_at(config_.priority, r, now);
    }
  }
  batch::order_wait_queue(config_.scheduler, wait_queue_, requests_);

  // ---- Phase A: continuing requests (§3.1)
  int64_t budget = config_.max_scheduled_tokens;
  preempted_this_step_ = false;
  preempted_.clear();
  admitted_.clear();
  size_t stopped_at = 0;  // where Phase A stopped; running_ is always a prefix of the batch it walks
  if (config_.corrections.phase_a_skips_evicted) {
    // Corrected: walk the live batch, which loses its tail as requests are evicted (vLLM's
    // scheduler walks self.running the same way).
    while (stopped_at < running_.size() && schedule_continuing(running_[stopped_at], budget)) ++stopped_at;
  } else {
    // NOTE (visiting evicted requests, §3.1): iterate a snapshot, so a request evicted earlier in
    // this loop is still visited (and may be given KV blocks while queued).
    batch_snapshot_.assign(running_.begin(), running_.end());
    while (stopped_at < batch_snapshot_.size() && schedule_continuing(batch_snapshot_[stopped_at], budget)) {
      ++stopped_at;
    }
  }
  // Batch members Phase A never reached (the token budget ran out): the tail of running_. Phase B
  // cannot append after them, as it needs budget left.
  const size_t unscheduled = running_.size() > stopped_at ? running_.size() - stopped_at : 0;

  // ---- Phase B: admissions (§3.4), skipped entirely after any preemption
  while (static_cast<int64_t>(running_.size()) < config_.max_running_requests && !wait_queue_.empty() &&
         budget > 0 && !preempted_this_step_) {
    const RequestIndex index = wait_queue_.front();
    Request& r = requests_[static_cast<size_t>(index)];
    kv_->cached_blocks(kv_view(r), cached_);
    const int64_t hit = static_cast<int64_t>(cached_.size()) * kv_->block_size();
    int64_t need = prefill_end(r) - hit;
    const int64_t threshold = config_.long_prefill_threshold;
    if (threshold > 0 && threshold < need) need = threshold;
    need = std::min(need, budget);
    if (!allocate_prefill(r, hit, hit + need, cached_)) {  // no preemption for newcomers
      if (r.kv_split_to > 0) {  // a recompute that got part of its range: it waits holding nothing
        kv_->release(r.index);
        r.kv_split_to = 0;
      }
      break;
    }
    wait_queue_.pop_front();
    running_.push_back(index);
    r.scheduled_step = step_count_;
    admitted_.push_back(index);
    budget -= need;
    counters_.prefill_tokens += need;
    r.state = RequestState::Running;
    r.num_new_tokens = need;
    r.computed = need + hit;
  }

  // ---- After FormBatch (§3.5)
  for (RequestIndex index : preempted_) {
    heap_.push({wrap_add(now, latency_.preemption_processing_time()), EventKind::Preemption, index});
    ++counters_.preemptions;
  }
  for (RequestIndex index : admitted_) {
    Request& r = requests_[static_cast<size_t>(index)];
    const Tick at = wrap_add(now, latency_.scheduling_processing_time());
    heap_.push({at, EventKind::Scheduled, index});
    // Once or on every admission: instance/resume.cpp.
    if (takes_scheduling_delay(r)) {
      r.scheduling_delay = at - r.arrival;
    }
    r.has_scheduling_delay = true;
  }
  counters_.wait_queue_samples_sum += static_cast<int64_t>(wait_queue_.size());

  // ---- Phase 2: execution (§3.6)
  // NOTE (decode without reservation, §3.6): every batch member executes, even one that Phase A
  // never reached. Corrected (decode_needs_reservation): only the scheduled ones, as in vLLM.
  const std::span<const RequestIndex> executed(
      running_.data(), running_.size() - (config_.corrections.decode_needs_reservation ? unscheduled : 0));
  members_.clear();
  for (RequestIndex index : executed) {
    const Request& r = requests_[static_cast<size_t>(index)];
    members_.push_back({r.progress, prefill_end(r), r.output_len, r.num_new_tokens});
  }
  const Tick step_time = wrap_add(latency_.step_time(members_), kv_->consume_transfer_latency());
  const Tick output_time = latency_.output_token_processing_time();
  const Tick token_latency = wrap_add(step_time, output_time);
  if (observer_ != nullptr) {
    progress_before_.clear();
    for (RequestIndex index : running_) progress_before_.push_back(requests_[static_cast<size_t>(index)].progress);
    observer_->on_step(index_, now, step_time, kv_->used_blocks(), running_, progress_before_, wait_queue_,
                       requests_);
  }
  // The step goes into the latency log only if someone decodes in it: a stint is a run of
  // consecutive steps, all of them decode steps, so logged positions stay contiguous per stint.
  int64_t log_position = -1;
  // NOTE (first output token not counted, §7.1): only decode steps count output tokens.
  // Corrected (count_first_output_token): the token a finished prefill emits counts too.
  const int64_t first_token_counts = config_.corrections.count_first_output_token ? 1 : 0;
  for (RequestIndex index : executed) {
    Request& r = requests_[static_cast<size_t>(index)];
    bool decoded = true;
    if (r.progress < prefill_end(r)) {
      r.progress = r.computed;
      // A resumed request's recompute ends on its last sampled token, whose pass samples the
      // next one (instance/resume.cpp); any other prefill chunk emits nothing here.
      decoded = r.resume_len > 0 && r.progress == r.resume_len;
    } else {
      r.progress += 1;
    }
    if (decoded) {
      counters_.total_output_tokens += 1;
      // This step's token latency is one ITL entry of the request (its stint covers the step).
      if (log_position < 0) {
        if ((step_latencies_.size() & 0xFFFF) == 0xFFFF) trim_step_log();  // before this step joins
        log_position = step_latencies_.record(token_latency);
      }
      if (r.decode_stints.open_from < 0) r.decode_stints.open_from = log_position;
    }
    if (r.progress > r.progress_high_water) {
      r.progress_high_water = r.progress;
      progress_watch_.progressed(now);
    }
    // Once, or again after a re-prefill: instance/resume.cpp.
    if (r.progress == r.input_len && takes_first_token(r)) {
      // TTFT; a re-prefill after preemption overwrites it while TTFTSum keeps both.
      r.first_token_time = wrap_add(wrap_add(now, token_latency), -r.arrival);
      r.has_ttft = true;
      counters_.ttft_sum = wrap_add(counters_.ttft_sum, r.first_token_time);
      if (r.output_len > 0) counters_.total_output_tokens += first_token_counts;
    }
  }
  const int64_t used = kv_->used_blocks();
  counters_.peak_kv_blocks = std::max(counters_.peak_kv_blocks, used);
  counters_.kv_blocks_integral += static_cast<double>(used) * static_cast<double>(step_time);

  // ---- Phase 3: completions (§3.7)
  remaining_.clear();
  for (RequestIndex index : running_) {
    Request& r = requests_[static_cast<size_t>(index)];
    if (r.progress == r.input_len + std::max<int64_t>(r.output_len, 1) - 1) {
      complete(r, now, step_time, token_latency);
    } else {
      remaining_.push_back(index);
    }
  }

  // ---- Phase 4: next step (§3.8, work conservation INV-8)
  if (!remaining_.empty()) {
    running_.swap(remaining_);
    heap_.push({wrap_add(now, step_time), EventKind::Step, -1});
    step_pending_ = true;
  } else {
    running_.clear();
    step_pending_ = false;
    if (!wait_queue_.empty()) {
      heap_.push({wrap_add(now, step_time), EventKind::Step, -1});
      step_pending_ = true;
    }
  }
  if (observer_ != nullptr) observer_->on_step_end(index_, now, wait_queue_.size(), step_pending_);
  if (progress_watch_.quiet_step()) check_progress(now);
}

// The window of the no-progress watch has passed (see progress_watch.h): stop the run when the
// reference's defects explain why nothing moves, else keep watching.
void Instance::check_progress(Tick now) {
  const int64_t leaked = kv_->leaked_blocks();
  const std::string quiet = fmt::format("no progress since t={} us on {}: {} steps up to t={} us without a "
                                        "request completing or getting further than before",
                                        progress_watch_.last_progress(), id(), progress_watch_.window(), now);
  const std::string remedy = "run in corrected mode: --compat corrected, or compat = \"corrected\" in a scenario";
  if (leaked > 0) {
    throw Error(fmt::format("{}, while {} KV blocks stay in use that no request holds (the reference's KV block "
                            "leak, engine-core §5.6; {})",
                            quiet, leaked, remedy));
  }
  const auto never_fits = [&](RequestIndex index) {
    const Request& r = requests_[static_cast<size_t>(index)];
    const int64_t blocks = (r.input_len + r.output_len + kv_->block_size() - 1) / kv_->block_size();
    if (blocks <= kv_->total_capacity()) return;
    throw Error(fmt::format("{}: {} needs {} KV blocks for its {} prompt and {} output tokens but the cache has {}, "
                            "and the reference preempts and re-admits it forever (engine-core §3.9; {})",
                            quiet, request_id(r.index), blocks, r.input_len, r.output_len, kv_->total_capacity(),
                            remedy));
  };
  for (RequestIndex index : running_) never_fits(index);
  for (RequestIndex index : wait_queue_) never_fits(index);
}

void Instance::complete(Request& r, Tick now, Tick step_time, Tick token_latency) {
  r.state = RequestState::Completed;
  // The ITL entries: one per decode step, from the step log.
  r.decode_stints.close(step_latencies_.size());
  Tick itl_sum = 0;
  for (const auto& [from, to] : r.decode_stints.closed) {
    itl_sum = wrap_add(itl_sum, step_latencies_.sum(from, to));
    step_latencies_.count(from, to);
  }
  // NOTE (duplicated completion ITL, §2.4): the completing step's latency is appended once
  // more, so E2E = TTFT + sum(ITL) overstates residence time. Corrected
  // (single_completion_itl): one ITL entry per decode step, E2E ends with the last token.
  if (!config_.corrections.single_completion_itl) {
    itl_sum = wrap_add(itl_sum, token_latency);
    counters_.itl_completion_entries.add(token_latency, 1);
  }
  // engine-core §3.7 step 2: the reference books a KV slot for the final output token; on a full
  // cache that fails and logs an error although the request completes. vLLM never feeds the last
  // sampled token back through the model, so it needs no slot. Corrected (final_token_without_kv):
  // nothing is allocated for it.
  const bool books_final_token = r.output_len > 0 && !config_.corrections.final_token_without_kv;
  if (books_final_token && !kv_->allocate(kv_view(r), r.progress, r.progress + 1, {})) {
    log_(LogLevel::Error, fmt::format("KV allocation for the final token of {} failed", request_id(r.index)));
    ++counters_.kv_allocation_failures;
  }
  kv_->release(r.index);
  r.finished_step = step_count_;
  heap_.push({wrap_add(now, step_time), EventKind::RequestLeft, r.index});

  ++counters_.completed;
  progress_watch_.progressed(now);
  r.completed = true;
  // A resumed request (corrected preemption) ends when its last token does: its ITL entries do
  // not cover the time it spent preempted.
  const Tick last_token_time = r.resume_len > 0 ? wrap_add(wrap_add(now, token_latency), -r.arrival)
                                                : wrap_add(r.first_token_time, itl_sum);
  r.tpot = r.output_len == 0 ? 0.0
                             : static_cast<double>(last_token_time - r.first_token_time) /
                                   static_cast<double>(std::max<int64_t>(r.output_len - 1, 1));
  // The response leaves the host after its post-processing (0 but for the physics model); TPOT
  // is the token cadence and does not include it.
  r.e2e = wrap_add(last_token_time, latency_.completion_processing_time());
  // The engine no longer needs the tokens or the stints of a finished request.
  r.decode_stints.release();
  std::vector<kv::Token>().swap(r.input);
  std::vector<kv::Token>().swap(r.output);
  r.prefix_digests = kv::PrefixDigests();
}

metrics::TickHistogram Instance::itl_histogram() const {
  metrics::TickHistogram all = counters_.itl_completion_entries;
  step_latencies_.add_counted_to(all);
  return all;
}

// Steps before the earliest stint of any request still here (running, or queued after a
// preemption) can no longer be referred to; fold them away.
void Instance::trim_step_log() {
  int64_t keep_from = step_latencies_.size();
  const auto earliest = [&](RequestIndex index) {
    const DecodeStints& d = requests_[static_cast<size_t>(index)].decode_stints;
    if (!d.closed.empty()) keep_from = std::min(keep_from, d.closed.front().first);
    if (d.open_from >= 0) keep_from = std::min(keep_from, d.open_from);
  };
  for (RequestIndex index : running_) earliest(index);
  for (RequestIndex index : wait_queue_) earliest(index);
  step_latencies_.trim(keep_from);
}

}  // namespace blis::instance
