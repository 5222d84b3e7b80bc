#include "engine/workload/inference_perf/harness_source.h"

#include <fmt/format.h>

#include <cmath>
#include <span>

#include "engine/core/error.h"
#include "engine/core/partitioned_rng.h"
#include "engine/metrics/go_json.h"

namespace blis::workload::inference_perf {

namespace {

PoolShape shape_of(const SharedPrefixSpec& p) {
  return {p.num_unique_system_prompts, p.num_users_per_system_prompt, p.system_prompt_len, p.question_len};
}

}  // namespace

void check_faithful(const InferencePerfSpec& ip) {
  const SharedPrefixSpec& p = *ip.shared_prefix;
  if (p.system_prompt_len + p.question_len <= 0) {
    throw Error("inference_perf.shared_prefix: system_prompt_len + question_len must be at least 1 (a request needs "
                "a prompt)");
  }
  if (p.output_len <= 0) {
    throw Error(fmt::format("inference_perf.shared_prefix.output_len must be at least 1 (the harness asks for "
                            "exactly output_len tokens and the server rejects max_tokens 0), got {}",
                            p.output_len));
  }
  for (size_t i = 0; i < ip.stages.size(); ++i) {
    const double count = ip.stages[i].rate * static_cast<double>(ip.stages[i].duration);
    if (!(count < 9.0e18)) {
      throw Error(fmt::format("inference_perf.stages[{}]: rate x duration = {} requests; at most 9e18",
                              i, metrics::go_format_g(count)));
    }
  }
}

Tick stage_start_us(const InferencePerfSpec& ip, size_t k) {
  Tick start = kStageLeadInUs;
  for (size_t i = 0; i < k; ++i) start += ip.stages[i].duration * 1'000'000 + ip.interval_us + kStageLeadInUs;
  return start;
}

HarnessSource::HarnessSource(const InferencePerfSpec& ip, int64_t seed, Tick horizon, int64_t max_requests)
    : ip_(ip),
      rng_(core::PartitionedRng::subsystem_seed(seed, "inference-perf")),
      pool_(shape_of(*ip.shared_prefix), rng_),
      first_request_of_slot_(static_cast<size_t>(pool_.size()), -1),
      max_requests_(max_requests),
      horizon_(horizon) {
  open_stage(0);
}

bool HarnessSource::open_stage(size_t k) {
  // The harness starts stage k + 1 `interval` after stage k ends, and schedules its first send
  // one second after that (load_generator.py run_stage). Stage k ends with its last send: at
  // start + duration for the constant timer (stage_start_us), at a random time for Poisson.
  const Tick start = k == 0 ? kStageLeadInUs : stage_end_ + ip_.interval_us + kStageLeadInUs;
  stage_ = k;
  in_stage_ = 0;
  timer_.reset();
  poisson_.reset();
  if (k >= ip_.stages.size()) return false;
  const InferencePerfStage& s = ip_.stages[k];
  const int64_t count = stage_request_count(s.rate, s.duration);
  stage_end_ = start + s.duration * 1'000'000;  // a stage with no request lasts its duration
  if (ip_.poisson) {
    poisson_.emplace(start, s.rate, count, rng_.int63());
    if (count > 0) stage_end_ = start;
  } else {
    timer_.emplace(start, s.duration * 1'000'000, count, rng_.int63());
  }
  return true;
}

bool HarnessSource::next_send(Tick& out) {
  if (timer_) return timer_->next(out);
  if (poisson_ && poisson_->next(out)) {
    stage_end_ = out;
    return true;
  }
  return false;
}

bool HarnessSource::next(GeneratedRequest& out) {
  if (max_requests_ > 0 && emitted_ >= max_requests_) return false;
  Tick arrival = 0;
  while (!next_send(arrival)) {
    if (stage_ >= ip_.stages.size() || !open_stage(stage_ + 1)) return false;
  }
  if (arrival >= horizon_) return false;  // later stages only arrive later still
  out.reset();
  out.id = emitted_;
  out.arrival = arrival;
  const int64_t slot = in_stage_ % pool_.size();
  const int64_t group = pool_.group_of(slot);
  pool_.append_tokens(slot, out.input);
  out.output.resize(static_cast<size_t>(ip_.shared_prefix->output_len));
  rng_.fill_intn(kTokenIdRange, std::span<int64_t>(out.output));
  out.slo_class = "batch";
  out.tenant_id = fmt::format("prompt-{}", group);
  out.labels.client_id = fmt::format("prompt-{}-slot-{}", group, slot);
  out.labels.prefix_group = out.tenant_id;
  // For an exported trace: the system prompt is the group's, and a prompt sent before repeats
  // that earlier request's whole input.
  if (ip_.shared_prefix->system_prompt_len > 0) {
    out.sharing.group = out.tenant_id;
    out.sharing.group_tokens = ip_.shared_prefix->system_prompt_len;
  }
  int64_t& first = first_request_of_slot_[static_cast<size_t>(slot)];
  if (first >= 0) {
    out.sharing.source_id = first;
    out.sharing.source_tokens = static_cast<int64_t>(out.input.size());
  } else {
    first = out.id;
  }
  ++in_stage_;
  ++emitted_;
  return true;
}

}  // namespace blis::workload::inference_perf
