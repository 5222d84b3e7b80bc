#include "engine/report/json_report.h"

#include <cmath>

#include "engine/metrics/go_json.h"
#include "engine/report/json_numbers.h"

namespace blis::report {

namespace {

using metrics::JsonWriter;

void number(JsonWriter& w, const char* key, double v, int decimals) { write_rounded(w, key, v, decimals); }

void integer(JsonWriter& w, const char* key, int64_t v) {
  w.key(key);
  w.value_int(v);
}

void text(JsonWriter& w, const char* key, const std::string& v) {
  w.key(key);
  w.value_string(v);
}

void distribution(JsonWriter& w, const char* key, const metrics::LatencySummary& l) {
  w.key(key);
  w.begin_object();
  integer(w, "count", l.count);
  const auto field = [&](const char* name, double v) {
    if (l.count == 0) {
      w.key(name);
      w.value_null();
    } else {
      number(w, name, v, 3);
    }
  };
  field("mean", l.mean_ms);
  field("p50", l.p50_ms);
  field("p90", l.p90_ms);
  field("p95", l.p95_ms);
  field("p99", l.p99_ms);
  field("min", l.min_ms);
  field("max", l.max_ms);
  w.end_object();
}

// The three per-request distributions of a class or a stage.
void request_latencies(JsonWriter& w, const metrics::LatencySummary& ttft, const metrics::LatencySummary& tpot,
                       const metrics::LatencySummary& e2e) {
  distribution(w, "ttft_ms", ttft);
  distribution(w, "tpot_ms", tpot);
  distribution(w, "e2e_ms", e2e);
}

void block(JsonWriter& w, const BlockFigures& f, double preemption_rate, double thrashing_rate) {
  const metrics::BlockSummary& b = f.block;
  w.begin_object();
  text(w, "id", b.id);
  w.key("requests");
  w.begin_object();
  integer(w, "injected", b.injected);
  integer(w, "completed", b.completed);
  integer(w, "still_queued", b.still_queued);
  integer(w, "still_running", b.still_running);
  integer(w, "still_in_transit", b.still_in_transit);
  integer(w, "still_awaiting_decision", b.still_awaiting_decision);
  integer(w, "dropped_unservable", b.dropped_unservable);
  w.end_object();
  number(w, "duration_s", b.duration_s, 6);
  integer(w, "input_tokens", b.input_tokens);
  integer(w, "output_tokens", b.output_tokens);
  w.key("throughput");
  w.begin_object();
  number(w, "requests_per_s", f.throughput.requests_per_s, 3);
  number(w, "input_tokens_per_s", f.throughput.input_tokens_per_s, 3);
  number(w, "output_tokens_per_s", f.throughput.output_tokens_per_s, 3);
  number(w, "total_tokens_per_s", f.throughput.total_tokens_per_s, 3);
  w.end_object();
  distribution(w, "ttft_ms", b.ttft);
  distribution(w, "tpot_ms", f.tpot);
  distribution(w, "itl_ms", b.itl);
  distribution(w, "e2e_ms", b.e2e);
  distribution(w, "queueing_ms", b.scheduling_delay);
  w.key("kv");
  w.begin_object();
  integer(w, "peak_blocks", f.kv_peak_blocks);
  integer(w, "total_blocks", f.kv_total_blocks);
  number(w, "peak_usage", f.kv_total_blocks > 0 ? static_cast<double>(f.kv_peak_blocks) / static_cast<double>(f.kv_total_blocks) : 0.0, 6);
  number(w, "cache_hit_rate", f.cache_hit_rate, 6);
  integer(w, "preemptions", b.preemptions);
  number(w, "preemption_rate", preemption_rate, 6);
  if (thrashing_rate >= 0) number(w, "thrashing_rate", thrashing_rate, 6);
  integer(w, "allocation_failures", b.kv_allocation_failures);
  w.end_object();
  w.end_object();
}

void config_block(JsonWriter& w, const RunHeader& h) {
  w.key("config");
  w.begin_object();
  text(w, "model", h.model);
  text(w, "gpu", h.gpu);
  integer(w, "tp", h.tp);
  integer(w, "dp", h.dp);
  integer(w, "ep", h.ep);
  integer(w, "instances", h.instances);
  text(w, "latency_model", h.latency_model);
  text(w, "coefficients", h.coefficients);
  text(w, "workload", h.workload);
  text(w, "compat_mode", h.compat_mode);
  integer(w, "seed", h.seed);
  w.key("horizon_us");
  if (h.horizon_us) w.value_int(*h.horizon_us);
  else w.value_null();
  integer(w, "kv_blocks_per_instance", h.kv_blocks);
  text(w, "kv_blocks_source", h.kv_blocks_source);
  integer(w, "block_size_tokens", h.block_size);
  integer(w, "max_running", h.max_running);
  integer(w, "max_batched_tokens", h.max_batched_tokens);
  w.end_object();
}

}  // namespace

std::string render_json(const RunSummary& s) {
  JsonWriter w;
  w.begin_object();
  text(w, "schema", kJsonReportSchema);
  config_block(w, s.header);
  w.key("cluster");
  block(w, s.cluster, s.preemption_rate, s.thrashing_rate);
  w.key("instances");
  w.begin_array();
  for (const BlockFigures& b : s.instances) {
    const double rate = b.block.completed > 0
                            ? static_cast<double>(b.block.preemptions) / static_cast<double>(b.block.completed)
                            : 0.0;
    block(w, b, rate, -1);
  }
  w.end_array();
  w.key("slo_classes");
  w.begin_array();
  for (const SloClassFigures& c : s.slo_classes) {
    w.begin_object();
    text(w, "name", c.name);
    integer(w, "requests", c.requests);
    integer(w, "completed", c.completed);
    request_latencies(w, c.ttft, c.tpot, c.e2e);
    w.end_object();
  }
  w.end_array();
  w.key("stages");
  w.begin_array();
  for (const StageFigures& f : s.stages) {
    w.begin_object();
    integer(w, "stage", f.index);
    number(w, "rate_per_s", f.rate, 6);
    integer(w, "duration_s", f.duration_s);
    integer(w, "requests", f.requests);
    integer(w, "completed", f.completed);
    request_latencies(w, f.ttft, f.tpot, f.e2e);
    w.end_object();
  }
  w.end_array();
  w.key("anomalies");
  w.begin_object();
  integer(w, "rejected", s.rejected);
  integer(w, "priority_inversions", s.priority_inversions);
  integer(w, "hol_blocking", s.hol_blocking);
  w.end_object();
  w.key("fitness");
  if (s.fitness) {
    w.begin_object();
    number(w, "score", s.fitness->score, 6);
    w.key("components");
    w.begin_object();
    for (const auto& [key, value] : s.fitness->components) number(w, key.c_str(), value, 6);
    w.end_object();
    w.end_object();
  } else {
    w.value_null();
  }
  if (s.trace) {
    w.key("trace");
    w.begin_object();
    integer(w, "decisions", s.trace->decisions);
    integer(w, "admitted", s.trace->admitted);
    integer(w, "rejected", s.trace->rejected);
    number(w, "mean_regret", s.trace->mean_regret, 6);
    number(w, "max_regret", s.trace->max_regret, 6);
    w.end_object();
  }
  w.end_object();
  return w.text() + "\n";
}

}  // namespace blis::report
