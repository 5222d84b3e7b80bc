#include "engine/metrics/metrics_block.h"

#include <algorithm>
#include <cmath>

namespace blis::metrics {

namespace {

// A metric JSON can hold, or null for NaN/Inf (reported as an error: non_finite_error).
void number(JsonWriter& w, double v) {
  if (std::isfinite(v)) {
    w.value_float(v);
  } else {
    w.value_null();
  }
}

}  // namespace

std::vector<std::string> MetricsBlock::non_finite() const {
  const std::pair<const char*, double> floats[] = {
      {"vllm_estimated_duration_s", duration_s}, {"responses_per_sec", responses_per_sec},
      {"tokens_per_sec", tokens_per_sec},         {"e2e_mean_ms", e2e_mean},
      {"e2e_p90_ms", e2e_p90},                    {"e2e_p95_ms", e2e_p95},
      {"e2e_p99_ms", e2e_p99},                    {"ttft_mean_ms", ttft_mean},
      {"ttft_p90_ms", ttft_p90},                  {"ttft_p95_ms", ttft_p95},
      {"ttft_p99_ms", ttft_p99},                  {"itl_mean_ms", itl_mean},
      {"itl_p90_ms", itl_p90},                    {"itl_p95_ms", itl_p95},
      {"itl_p99_ms", itl_p99},                    {"scheduling_delay_p99_ms", scheduling_delay_p99}};
  std::vector<std::string> bad;
  for (const auto& [name, v] : floats) {
    if (!std::isfinite(v)) bad.push_back(std::string(name) + " = " + go_format_g(v));
  }
  return bad;
}

void MetricsBlock::write(JsonWriter& w) const {
  w.key("instance_id"); w.value_string(instance_id);
  w.key("completed_requests"); w.value_int(completed);
  w.key("still_queued"); w.value_int(still_queued);
  w.key("still_running"); w.value_int(still_running);
  // Only when non-zero, so a run the horizon cut nothing off of prints what the reference prints.
  if (still_in_transit != 0) {
    w.key("still_in_transit"); w.value_int(still_in_transit);
  }
  if (still_awaiting_decision != 0) {
    w.key("still_awaiting_decision"); w.value_int(still_awaiting_decision);
  }
  w.key("injected_requests"); w.value_int(injected);
  w.key("total_input_tokens"); w.value_int(total_input_tokens);
  w.key("total_output_tokens"); w.value_int(total_output_tokens);
  w.key("vllm_estimated_duration_s"); number(w, duration_s);
  w.key("responses_per_sec"); number(w, responses_per_sec);
  w.key("tokens_per_sec"); number(w, tokens_per_sec);
  w.key("e2e_mean_ms"); number(w, e2e_mean);
  w.key("e2e_p90_ms"); number(w, e2e_p90);
  w.key("e2e_p95_ms"); number(w, e2e_p95);
  w.key("e2e_p99_ms"); number(w, e2e_p99);
  w.key("ttft_mean_ms"); number(w, ttft_mean);
  w.key("ttft_p90_ms"); number(w, ttft_p90);
  w.key("ttft_p95_ms"); number(w, ttft_p95);
  w.key("ttft_p99_ms"); number(w, ttft_p99);
  w.key("itl_mean_ms"); number(w, itl_mean);
  w.key("itl_p90_ms"); number(w, itl_p90);
  w.key("itl_p95_ms"); number(w, itl_p95);
  w.key("itl_p99_ms"); number(w, itl_p99);
  w.key("scheduling_delay_p99_ms"); number(w, scheduling_delay_p99);
  if (kv_allocation_failures != 0) {
    w.key("kv_allocation_failures"); w.value_int(kv_allocation_failures);
  }
  w.key("preemption_count"); w.value_int(preemptions);
  w.key("dropped_unservable"); w.value_int(dropped_unservable);
}

// The metrics of one instance (`only` = its index) or of the whole cluster (`only` empty):
// counters summed over the instances, latency lists over their requests (engine-core §7.3).
MetricsBlock collect_block(const cluster::ClusterSimulation& sim, std::optional<size_t> only, CollectedLatencies& c,
                           const DiagnosticSink* log) {
  MetricsBlock m;
  for (size_t i = 0; i < sim.instances().size(); ++i) {
    if (only && *only != i) continue;
    const auto& inst = *sim.instances()[i];
    const auto& k = inst.counters();
    m.completed += k.completed;
    m.still_queued += static_cast<int64_t>(inst.wait_queue_size());
    m.still_running += static_cast<int64_t>(inst.running_size());
    m.total_input_tokens += k.total_input_tokens;
    m.total_output_tokens += k.total_output_tokens;
    m.kv_allocation_failures += k.kv_allocation_failures;
    m.preemptions += k.preemptions;
    m.dropped_unservable += k.dropped_unservable;
    c.itl.merge(inst.itl_histogram());
    // The cluster merge starts from 0 and keeps the maximum: a negative end time becomes 0 (§1.7).
    c.sim_ended = only ? sim.instance_end_time(i) : std::max(c.sim_ended, sim.instance_end_time(i));
  }
  if (only) m.instance_id = "instance_" + std::to_string(*only);
  if (const auto& in_flight = sim.in_flight()) {
    // In transit is per instance (routed there); awaiting a decision belongs to the cluster.
    m.still_in_transit = only ? sim.pending()[*only] : in_flight->in_transit;
    if (!only) m.still_awaiting_decision = in_flight->awaiting_decision;
  }
  m.injected = m.completed + m.still_queued + m.still_running + m.dropped_unservable;
  for (const Request& r : sim.requests()) {
    if (only && r.instance != static_cast<int>(*only)) continue;
    if (r.has_ttft) c.ttft.push_back(static_cast<double>(r.first_token_time));
    if (r.completed) c.e2e.push_back(static_cast<double>(r.e2e));
    if (r.has_scheduling_delay) c.scheduling_delay.push_back(static_cast<double>(r.scheduling_delay));
  }
  std::sort(c.ttft.begin(), c.ttft.end());
  std::sort(c.e2e.begin(), c.e2e.end());
  std::sort(c.scheduling_delay.begin(), c.scheduling_delay.end());

  m.duration_s = static_cast<double>(c.sim_ended) / 1e6;
  if (m.completed > 0) {
    m.responses_per_sec = static_cast<double>(m.completed) / m.duration_s;
    m.tokens_per_sec = static_cast<double>(m.total_output_tokens) / m.duration_s;
    m.e2e_mean = mean_ms(c.e2e);
    m.e2e_p90 = percentile_ms(c.e2e, 90);
    m.e2e_p95 = percentile_ms(c.e2e, 95);
    m.e2e_p99 = percentile_ms(c.e2e, 99);
    m.ttft_mean = mean_ms(c.ttft);
    m.ttft_p90 = percentile_ms(c.ttft, 90);
    m.ttft_p95 = percentile_ms(c.ttft, 95);
    m.ttft_p99 = percentile_ms(c.ttft, 99);
    m.itl_mean = mean_ms(c.itl);
    m.itl_p90 = percentile_ms(c.itl, 90);
    m.itl_p95 = percentile_ms(c.itl, 95);
    m.itl_p99 = percentile_ms(c.itl, 99);
    m.scheduling_delay_p99 = percentile_ms(c.scheduling_delay, 99);
  } else if (log != nullptr) {
    (*log)(LogLevel::Warning, "no requests completed");
  }
  return m;
}

LatencySummary latency_summary(const std::vector<double>& sorted) {
  LatencySummary s;
  s.count = static_cast<int64_t>(sorted.size());
  if (sorted.empty()) return s;
  s.mean_ms = mean_ms(sorted);
  s.p50_ms = percentile_ms(sorted, 50);
  s.p90_ms = percentile_ms(sorted, 90);
  s.p95_ms = percentile_ms(sorted, 95);
  s.p99_ms = percentile_ms(sorted, 99);
  s.min_ms = sorted.front() / 1e3;
  s.max_ms = sorted.back() / 1e3;
  return s;
}

namespace {

LatencySummary summary_of(const TickHistogram& itl) {
  LatencySummary s;
  s.count = itl.size();
  if (s.count == 0) return s;
  const auto runs = itl.sorted_runs();
  s.mean_ms = mean_ms(itl);
  s.p50_ms = percentile_ms(itl, 50);
  s.p90_ms = percentile_ms(itl, 90);
  s.p95_ms = percentile_ms(itl, 95);
  s.p99_ms = percentile_ms(itl, 99);
  s.min_ms = static_cast<double>(runs.front().first) / 1e3;
  s.max_ms = static_cast<double>(runs.back().first) / 1e3;
  return s;
}

}  // namespace

BlockSummary summary_of(const MetricsBlock& m, const CollectedLatencies& c) {
  BlockSummary b;
  b.id = m.instance_id;
  b.completed = m.completed;
  b.still_queued = m.still_queued;
  b.still_running = m.still_running;
  b.still_in_transit = m.still_in_transit;
  b.still_awaiting_decision = m.still_awaiting_decision;
  b.injected = m.injected;
  b.input_tokens = m.total_input_tokens;
  b.output_tokens = m.total_output_tokens;
  b.preemptions = m.preemptions;
  b.dropped_unservable = m.dropped_unservable;
  b.kv_allocation_failures = m.kv_allocation_failures;
  b.duration_s = m.duration_s;
  b.responses_per_sec = m.responses_per_sec;
  b.tokens_per_sec = m.tokens_per_sec;
  b.ttft = latency_summary(c.ttft);
  b.e2e = latency_summary(c.e2e);
  b.itl = summary_of(c.itl);
  b.scheduling_delay = latency_summary(c.scheduling_delay);
  return b;
}

}  // namespace blis::metrics
