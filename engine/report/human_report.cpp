#include "engine/report/human_report.h"

#include <fmt/format.h>

#include "engine/report/text_table.h"

namespace blis::report {

namespace {

std::string ms(double v) { return fixed(v, 2); }

std::vector<std::string> latency_row(const std::string& name, const metrics::LatencySummary& l) {
  if (l.count == 0) return {name, "-", "-", "-", "-", "-"};
  return {name, ms(l.mean_ms), ms(l.p50_ms), ms(l.p90_ms), ms(l.p95_ms), ms(l.p99_ms)};
}

std::string p_or_dash(const metrics::LatencySummary& l, double metrics::LatencySummary::*field) {
  return l.count == 0 ? "-" : ms(l.*field);
}

TextTable header_table_of(const RunHeader& h) {
  const std::vector<HeaderField> fields = header_fields(h);
  TextTable t({fields.front().name, fields.front().value}, TextTable::Align::AllLeft);
  for (size_t i = 1; i < fields.size(); ++i) t.add_row({fields[i].name, fields[i].value});
  return t;
}

std::string requests_line_of(const RunSummary& s) {
  const metrics::BlockSummary& b = s.cluster.block;
  std::string line = fmt::format("Requests: {} injected, {} completed", grouped(b.injected), grouped(b.completed));
  const auto add = [&](int64_t count, const char* what) {
    if (count > 0) line += fmt::format(", {} {}", grouped(count), what);
  };
  add(b.still_queued, "still queued");
  add(b.still_running, "still running");
  add(b.still_in_transit, "still in transit");
  add(b.still_awaiting_decision, "awaiting admission or routing");
  add(s.rejected, "rejected by admission");
  add(b.dropped_unservable, "dropped as unservable");
  return line + fmt::format(" ({} s simulated)\n", fixed(b.duration_s, 3));
}

TextTable latency_section(const BlockFigures& c) {
  TextTable t({"Latency (ms)", "mean", "p50", "p90", "p95", "p99"});
  t.add_row(latency_row("TTFT", c.block.ttft));
  t.add_row(latency_row("TPOT", c.tpot));
  t.add_row(latency_row("ITL", c.block.itl));
  t.add_row(latency_row("E2E", c.block.e2e));
  t.add_row(latency_row("queueing", c.block.scheduling_delay));
  return t;
}

TextTable throughput_section(const Throughput& th) {
  TextTable t({"Throughput", "per second"});
  t.add_row({"requests", fixed(th.requests_per_s, 2)});
  t.add_row({"input tokens", fixed(th.input_tokens_per_s, 1)});
  t.add_row({"output tokens", fixed(th.output_tokens_per_s, 1)});
  t.add_row({"total tokens", fixed(th.total_tokens_per_s, 1)});
  return t;
}

TextTable kv_section(const RunSummary& s) {
  const BlockFigures& c = s.cluster;
  const double peak = c.kv_total_blocks > 0
                          ? static_cast<double>(c.kv_peak_blocks) / static_cast<double>(c.kv_total_blocks)
                          : 0.0;
  TextTable t({"KV cache and scheduling", ""}, TextTable::Align::AllLeft);
  t.add_row({s.instances.size() > 1 ? "KV usage peak (fullest instance)" : "KV usage peak",
             fmt::format("{} ({} of {} blocks)", percent(peak), grouped(c.kv_peak_blocks), grouped(c.kv_total_blocks))});
  t.add_row({"prefix cache hit rate", percent(c.cache_hit_rate)});
  t.add_row({"preemptions", fmt::format("{} ({} per completed request)", grouped(c.block.preemptions),
                                         fixed(s.preemption_rate, 4))});
  if (s.thrashing_rate != 0) t.add_row({"KV thrashing rate", fixed(s.thrashing_rate, 4)});
  if (c.block.kv_allocation_failures > 0) t.add_row({"KV allocation failures", grouped(c.block.kv_allocation_failures)});
  if (s.priority_inversions > 0) t.add_row({"priority inversions", grouped(s.priority_inversions)});
  if (s.hol_blocking > 0) t.add_row({"head-of-line blocking events", grouped(s.hol_blocking)});
  return t;
}

ReportSection instances_section(const RunSummary& s) {
  TextTable t({"Per instance", "completed", "req/s", "TTFT p50", "TTFT p99", "TPOT p50", "E2E p50", "E2E p99",
               "preemptions", "KV peak"});
  for (const BlockFigures& b : s.instances) {
    const double peak = b.kv_total_blocks > 0
                            ? static_cast<double>(b.kv_peak_blocks) / static_cast<double>(b.kv_total_blocks)
                            : 0.0;
    t.add_row({b.block.id, grouped(b.block.completed), fixed(b.throughput.requests_per_s, 2),
               p_or_dash(b.block.ttft, &metrics::LatencySummary::p50_ms),
               p_or_dash(b.block.ttft, &metrics::LatencySummary::p99_ms),
               p_or_dash(b.tpot, &metrics::LatencySummary::p50_ms),
               p_or_dash(b.block.e2e, &metrics::LatencySummary::p50_ms),
               p_or_dash(b.block.e2e, &metrics::LatencySummary::p99_ms), grouped(b.block.preemptions), percent(peak)});
  }
  return {t, "  (latencies in ms)\n"};
}

ReportSection classes_section(const RunSummary& s) {
  TextTable t({"Per SLO class", "requests", "completed", "TTFT p50", "TTFT p99", "TPOT p50", "TPOT p99", "E2E p50",
               "E2E p99"});
  for (const SloClassFigures& c : s.slo_classes) {
    t.add_row({c.name, grouped(c.requests), grouped(c.completed), p_or_dash(c.ttft, &metrics::LatencySummary::p50_ms),
               p_or_dash(c.ttft, &metrics::LatencySummary::p99_ms), p_or_dash(c.tpot, &metrics::LatencySummary::p50_ms),
               p_or_dash(c.tpot, &metrics::LatencySummary::p99_ms), p_or_dash(c.e2e, &metrics::LatencySummary::p50_ms),
               p_or_dash(c.e2e, &metrics::LatencySummary::p99_ms)});
  }
  return {t, "  (latencies in ms)\n"};
}

ReportSection stages_section(const RunSummary& s) {
  TextTable t({"Per stage", "rate", "duration", "requests", "completed", "TTFT mean", "TTFT p90", "TPOT mean",
               "E2E mean", "E2E p90"});
  for (const StageFigures& f : s.stages) {
    t.add_row({fmt::format("stage {}", f.index), fixed(f.rate, 2) + " req/s", fmt::format("{} s", f.duration_s),
               grouped(f.requests), grouped(f.completed), p_or_dash(f.ttft, &metrics::LatencySummary::mean_ms),
               p_or_dash(f.ttft, &metrics::LatencySummary::p90_ms), p_or_dash(f.tpot, &metrics::LatencySummary::mean_ms),
               p_or_dash(f.e2e, &metrics::LatencySummary::mean_ms), p_or_dash(f.e2e, &metrics::LatencySummary::p90_ms)});
  }
  return {t, "  (latencies in ms)\n"};
}

}  // namespace

std::vector<HeaderField> header_fields(const RunHeader& h, bool with_seed) {
  std::string parallel = fmt::format("TP {}", h.tp);
  if (h.dp > 1 || h.ep > 1) parallel += fmt::format(", DP {}, EP {}", h.dp, h.ep);
  const std::string gpu = h.gpu.empty() ? std::string("GPU not named") : h.gpu;
  std::string mode = with_seed ? fmt::format("{}, seed {}", h.compat_mode, h.seed) : h.compat_mode;
  if (h.horizon_us) mode += fmt::format(", horizon {} s", fixed(static_cast<double>(*h.horizon_us) / 1e6, 3));
  return {
      {"model", h.model},
      {"deployment",
       fmt::format("{} instance{} x {} ({})", h.instances, h.instances == 1 ? "" : "s", gpu, parallel)},
      {"latency model", h.latency_model + (h.coefficients.empty() ? "" : ", coefficients " + h.coefficients)},
      {"KV cache",
       fmt::format("{} blocks x {} tokens per instance ({})", grouped(h.kv_blocks), h.block_size, h.kv_blocks_source)},
      {"batch limits",
       fmt::format("{} running requests, {} tokens per step", grouped(h.max_running), grouped(h.max_batched_tokens))},
      {"workload", h.workload},
      {"mode", mode},
  };
}

TextTable header_table(const RunHeader& h) { return header_table_of(h); }

std::string requests_line(const RunSummary& s) { return requests_line_of(s); }

std::vector<ReportSection> report_sections(const RunSummary& s) {
  std::vector<ReportSection> out;
  if (s.cluster.block.completed > 0) {
    out.push_back({latency_section(s.cluster), ""});
    out.push_back({throughput_section(s.cluster.throughput), ""});
  }
  out.push_back({kv_section(s), ""});
  if (s.instances.size() > 1) out.push_back(instances_section(s));
  if (!s.slo_classes.empty()) out.push_back(classes_section(s));
  if (!s.stages.empty()) out.push_back(stages_section(s));
  if (s.fitness) {
    TextTable t({"Fitness", fixed(s.fitness->score, 6)});
    for (const auto& [key, value] : s.fitness->components) t.add_row({"  " + key, fixed(value, 6)});
    out.push_back({t, ""});
  }
  if (s.trace) {
    TextTable t({"Routing decisions", grouped(s.trace->decisions)});
    t.add_row({"  admitted", grouped(s.trace->admitted)});
    t.add_row({"  rejected", grouped(s.trace->rejected)});
    t.add_row({"  mean regret", fixed(s.trace->mean_regret, 6)});
    t.add_row({"  max regret", fixed(s.trace->max_regret, 6)});
    out.push_back({t, ""});
  }
  return out;
}

std::string render_human(const RunSummary& s) {
  std::string out = header_table_of(s.header).render(0);
  out += "\n" + requests_line_of(s);
  for (const ReportSection& section : report_sections(s)) out += "\n" + section.table.render(0) + section.note;
  return out;
}

}  // namespace blis::report
