#include "engine/metrics/run_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/metrics/fitness.h"
#include "engine/metrics/go_json.h"
#include "engine/metrics/anomaly_counters.h"
#include "engine/metrics/run_files.h"
#include "engine/metrics/run_results.h"
#include "engine/metrics/statistics.h"
#include "engine/workload/inference_perf/stage_report.h"

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

// The reference's MetricsOutput (engine-core §7.3 table) for the merged "cluster" block.
struct MetricsBlock {
  std::string instance_id = "cluster";
  int64_t completed = 0, still_queued = 0, still_running = 0, injected = 0;
  int64_t total_input_tokens = 0, total_output_tokens = 0;
  double duration_s = 0, responses_per_sec = 0, tokens_per_sec = 0;
  double e2e_mean = 0, e2e_p90 = 0, e2e_p95 = 0, e2e_p99 = 0;
  double ttft_mean = 0, ttft_p90 = 0, ttft_p95 = 0, ttft_p99 = 0;
  double itl_mean = 0, itl_p90 = 0, itl_p95 = 0, itl_p99 = 0;
  double scheduling_delay_p99 = 0;
  int64_t kv_allocation_failures = 0, preemptions = 0, dropped_unservable = 0;
  // horizon_in_flight only: requests the horizon cut off before a wait queue (see ClusterSimulation).
  int64_t still_in_transit = 0, still_awaiting_decision = 0;

  // The metrics JSON cannot hold (NaN, +Inf, -Inf), as "name = value" in key order.
  std::vector<std::string> non_finite() const {
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

  void write(JsonWriter& w) const {
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
};

struct Collected {
  std::vector<double> ttft, e2e, scheduling_delay;  // ticks, ascending
  TickHistogram itl;
  Tick sim_ended = 0;
  int64_t preemptions = 0;
};

// The reference drops a block whose metrics are not finite with "Error marshalling metrics" and
// exits 0. blis prints the block and writes the results file with those metrics as null, and
// the run fails naming them (docs/deviations.md).
void note_non_finite(SimulationOutput& out, const MetricsBlock& m, const std::string& results_path) {
  const std::vector<std::string> bad = m.non_finite();
  if (bad.empty()) return;
  std::string list;
  for (const std::string& item : bad) list += (list.empty() ? "" : ", ") + item;
  out.file_errors.push_back(fmt::format("metrics of {} are not finite numbers: {}; printed{} as null", m.instance_id,
                                        list, results_path.empty() ? "" : " and written to the results file " + results_path));
}

// A file that cannot be written does not cost the run its printed metrics (the reference prints
// them first too): the failure is noted for the front end, which reports it and fails.
template <typename Write>
void note_file_error(SimulationOutput& out, Write&& write) {
  try {
    write();
  } catch (const Error& e) {
    out.file_errors.emplace_back(e.what());
  }
}

// The metrics of one instance (`only` = its index) or of the whole cluster (`only` empty):
// counters summed over the instances, latency lists over their requests (engine-core §7.3).
MetricsBlock collect_block(const cluster::ClusterSimulation& sim, std::optional<size_t> only, Collected& c,
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

LatencySummary summary_of(const std::vector<double>& sorted) {
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

BlockSummary summary_of(const MetricsBlock& m, const Collected& c) {
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
  b.ttft = summary_of(c.ttft);
  b.e2e = summary_of(c.e2e);
  b.itl = summary_of(c.itl);
  b.scheduling_delay = summary_of(c.scheduling_delay);
  return b;
}

}  // namespace

SimulationOutput build_report(const cluster::ClusterSimulation& sim, const config::RunConfig& config,
                              const DiagnosticSink& log) {
  SimulationOutput out;

  std::shared_ptr<RunResults> results;
  if (config.collect_results) results = std::make_shared<RunResults>();

  // ---- per-instance blocks (only with several instances, only for instances that completed)
  if (sim.instances().size() > 1 || results) {
    for (size_t i = 0; i < sim.instances().size(); ++i) {
      Collected ci;
      const MetricsBlock b = collect_block(sim, i, ci, nullptr);
      if (results) results->instances.push_back(summary_of(b, ci));
      if (sim.instances().size() < 2 || b.completed == 0) continue;
      out.stdout_text += "=== Simulation Metrics ===\n";
      note_non_finite(out, b, "");
      JsonWriter w;
      w.begin_object();
      b.write(w);
      w.end_object();
      out.stdout_text += w.text();
      out.stdout_text += "\n";
    }
  }

  Collected c;
  const MetricsBlock m = collect_block(sim, std::nullopt, c, nullptr);
  double hit_rate_sum = 0, thrashing_sum = 0;
  for (const auto& inst : sim.instances()) {
    hit_rate_sum += inst->kv().cache_hit_rate();
    thrashing_sum += inst->kv().thrashing_rate();
  }
  const auto n_instances = static_cast<double>(sim.instances().size());
  const double cache_hit_rate = hit_rate_sum / n_instances;
  const double thrashing_rate = thrashing_sum / n_instances;
  if (m.completed == 0) {
    if (sim.rejected_requests() > 0) {
      log(LogLevel::Warning, fmt::format("all {} requests rejected by admission policy; no requests completed",
                                         sim.rejected_requests()));
    } else {
      log(LogLevel::Warning, "no requests completed");
    }
  }

  // ---- the cluster block and the results file
  if (m.completed > 0) out.stdout_text += "=== Simulation Metrics ===\n";
  note_non_finite(out, m, config.results_path);
  if (m.completed > 0) {
    JsonWriter w;
    w.begin_object();
    m.write(w);
    w.end_object();
    out.stdout_text += w.text();
    out.stdout_text += "\n";
  }
  if (!config.results_path.empty()) {
    JsonWriter w;
    w.begin_object();
    m.write(w);
    const auto order = results_order(sim.requests());
    if (!order.empty()) {
      w.key("requests");
      w.begin_array();
      for (const Request* r : order) {
        write_request_record(w, *r, r->instance >= 0 ? "instance_" + std::to_string(r->instance) : "");
      }
      w.end_array();
    }
    w.end_object();
    note_file_error(out, [&] { core::write_file_atomically(config.results_path, w.text(), "results file"); });
  }
  if (!config.trace_file.empty() && sim.trace() != nullptr) {
    note_file_error(out, [&] { core::write_file_atomically(config.trace_file, sim.trace()->to_json_lines(), "trace file"); });
  }
  if (workload::WorkloadRecorder* recorder = sim.workload_recorder(); recorder != nullptr) {
    note_file_error(out, [&] { export_workload(config, sim, *recorder); });
  }

  // ---- fitness (weights were checked before the run: cluster §E.6, docs/deviations.md)
  std::optional<FitnessResult> fitness_result;
  if (config.fitness_weights) {
    const std::map<std::string, double>& weights = *config.fitness_weights;
    FitnessInputs in;
    if (c.sim_ended > 0 && m.completed > 0) {
      in.responses_per_sec = static_cast<double>(m.completed) / (static_cast<double>(c.sim_ended) / 1e6);
      in.tokens_per_sec = static_cast<double>(m.total_output_tokens) / (static_cast<double>(c.sim_ended) / 1e6);
    }
    in.ttft = distribution_of(c.ttft);
    in.e2e = distribution_of(c.e2e);
    const FitnessResult fitness = compute_fitness(weights, in);  // keys were checked before the run
    fitness_result = fitness;
    out.stdout_text += "=== Fitness Evaluation ===\n";
    out.stdout_text += "Score: " + go_format_fixed(fitness.score, 6) + "\n";
    for (const auto& [key, value] : fitness.components) {
      out.stdout_text += "  " + key + ": " + go_format_fixed(value, 6) + "\n";
    }
  }

  // ---- anomaly counters
  const int64_t inversions = priority_inversions(sim, config.priority_policy_name);
  const int64_t hol_blocking = hol_blocking_events(sim);
  if (inversions > 0 || hol_blocking > 0 || sim.rejected_requests() > 0 || m.dropped_unservable > 0) {
    out.stdout_text += "=== Anomaly Counters ===\n";
    out.stdout_text += fmt::format("Priority Inversions: {}\n", inversions);
    out.stdout_text += fmt::format("HOL Blocking Events: {}\n", hol_blocking);
    out.stdout_text += fmt::format("Rejected Requests: {}\n", sim.rejected_requests());
    out.stdout_text += fmt::format("Dropped Unservable: {}\n", m.dropped_unservable);
  }

  // ---- KV cache metrics
  const double preemption_rate =
      m.completed > 0 ? static_cast<double>(m.preemptions) / static_cast<double>(m.completed) : 0.0;
  if (preemption_rate != 0 || cache_hit_rate != 0 || thrashing_rate != 0) {
    out.stdout_text += "=== KV Cache Metrics ===\n";
    out.stdout_text += "Preemption Rate: " + go_format_fixed(preemption_rate, 4) + "\n";
    out.stdout_text += "Cache Hit Rate: " + go_format_fixed(cache_hit_rate, 4) + "\n";
    out.stdout_text += "KV Thrashing Rate: " + go_format_fixed(thrashing_rate, 4) + "\n";
  }

  // ---- per-SLO metrics (only with two or more classes)
  std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> per_class;
  for (const Request& r : sim.requests()) {
    if (!r.registered) continue;
    const std::string cls = r.slo_class.empty() ? "default" : r.slo_class;
    if (r.has_ttft) per_class[cls].first.push_back(static_cast<double>(r.first_token_time));
    if (r.completed) per_class[cls].second.push_back(static_cast<double>(r.e2e));
  }
  if (per_class.size() >= 2) {
    // NOTE (cluster-workload-trace §E.7, NOTE 12): the reference prints these in ticks (µs)
    // while the JSON block above is in ms. Corrected (per_slo_in_ms): ms, and the unit said.
    const bool in_ms = config.corrections.per_slo_in_ms;
    const double scale = in_ms ? 1000.0 : 1.0;
    const char* unit = in_ms ? " ms" : "";
    out.stdout_text += "=== Per-SLO Metrics ===\n";
    for (auto& [cls, values] : per_class) {
      const Distribution ttft = distribution_of(values.first);
      const Distribution e2e = distribution_of(values.second);
      out.stdout_text += "  " + cls + ":\n";
      out.stdout_text += fmt::format("    TTFT: mean={}{} p99={}{} (n={})\n", go_format_fixed(ttft.mean / scale, 2),
                                     unit, go_format_fixed(ttft.p99 / scale, 2), unit, ttft.count);
      out.stdout_text += fmt::format("    E2E:  mean={}{} p99={}{} (n={})\n", go_format_fixed(e2e.mean / scale, 2),
                                     unit, go_format_fixed(e2e.p99 / scale, 2), unit, e2e.count);
    }
  }

  // ---- per-stage results of a faithful inference-perf run, as the harness reports them
  if (config.workload == config::WorkloadKind::InferencePerf) {
    std::vector<workload::inference_perf::StageSample> samples;
    for (const Request& r : sim.requests()) {
      if (!r.registered) continue;
      samples.push_back({r.arrival, r.completed, r.first_token_time, r.e2e, r.tpot, r.input_len, r.output_len});
    }
    out.stdout_text += "=== inference-perf Stages ===\n";
    out.stdout_text += workload::inference_perf::stage_report_json(*config.workload_spec->inference_perf, samples);
    out.stdout_text += "\n";
  }

  // ---- decision-trace summary
  if (config.summarize_trace && sim.trace() != nullptr) {
    const trace::TraceSummary t = sim.trace()->summarize();
    out.stdout_text += "=== Trace Summary ===\n";
    out.stdout_text += fmt::format("Total Decisions: {}\n", t.total_decisions);
    out.stdout_text += fmt::format("  Admitted: {}\n", t.admitted);
    out.stdout_text += fmt::format("  Rejected: {}\n", t.rejected);
    out.stdout_text += fmt::format("Unique Targets: {}\n", t.target_distribution.size());
    if (!sim.trace()->routings().empty()) {
      out.stdout_text += "Target Distribution:\n";
      for (const auto& [id, count] : t.target_distribution) out.stdout_text += fmt::format("  {}: {}\n", id, count);
    }
    out.stdout_text += "Mean Regret: " + go_format_fixed(t.mean_regret, 6) + "\n";
    out.stdout_text += "Max Regret: " + go_format_fixed(t.max_regret, 6) + "\n";
  }
  if (results) {
    results->cluster = summary_of(m, c);
    results->rejected = sim.rejected_requests();
    results->priority_inversions = inversions;
    results->hol_blocking = hol_blocking;
    results->preemption_rate = preemption_rate;
    results->cache_hit_rate = cache_hit_rate;
    results->thrashing_rate = thrashing_rate;
    results->fitness = fitness_result;
    for (const Request& r : sim.requests()) {
      if (!r.registered) continue;
      RequestOutcome o;
      o.id = r.index;
      o.slo_class = r.slo_class;
      o.tenant = r.tenant_id;
      o.instance = r.instance;
      o.completed = r.completed;
      o.arrived_s = static_cast<double>(r.arrival) / 1e6;
      o.ttft_ms = r.has_ttft ? static_cast<double>(r.first_token_time) / 1e3 : 0.0;
      o.e2e_ms = r.completed ? static_cast<double>(r.e2e) / 1e3 : 0.0;
      o.itl_ms = r.completed ? r.tpot / 1e3 : 0.0;
      o.scheduling_delay_ms = r.has_scheduling_delay ? static_cast<double>(r.scheduling_delay) / 1e3 : 0.0;
      o.input_tokens = r.input_len;
      o.output_tokens = r.output_len;
      results->requests.push_back(std::move(o));
    }
    results->trace = sim.shared_trace();
    out.results = results;
  }
  return out;
}

}  // namespace blis::metrics
