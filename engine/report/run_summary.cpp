#include "engine/report/run_summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "engine/metrics/go_json.h"
#include "engine/workload/inference_perf/stage_report.h"

namespace blis::report {

namespace {

using metrics::LatencySummary;

// Latency lists in ticks, sorted before they are summarised.
struct Lists {
  std::vector<double> ttft, tpot, e2e;
  int64_t requests = 0, completed = 0;

  void add(const Request& r) { add(r.has_ttft, r.first_token_time, r.completed, r.e2e, r.output_len); }
  void add(bool has_ttft, Tick ttft_ticks, bool done, Tick e2e_ticks, int64_t output_len) {
    ++requests;
    if (has_ttft) ttft.push_back(static_cast<double>(ttft_ticks));
    if (!done) return;
    ++completed;
    e2e.push_back(static_cast<double>(e2e_ticks));
    // TPOT as `vllm bench serve` defines it: the decode time per token after the first, for
    // requests that produced at least two tokens.
    if (output_len >= 2) {
      tpot.push_back(static_cast<double>(e2e_ticks - ttft_ticks) / static_cast<double>(output_len - 1));
    }
  }
  static LatencySummary summarize(std::vector<double>& v) {
    std::sort(v.begin(), v.end());
    return metrics::latency_summary(v);
  }
};

Throughput throughput_of(const metrics::BlockSummary& b) {
  Throughput t;
  if (b.duration_s <= 0) return t;
  t.requests_per_s = static_cast<double>(b.completed) / b.duration_s;
  t.input_tokens_per_s = static_cast<double>(b.input_tokens) / b.duration_s;
  t.output_tokens_per_s = static_cast<double>(b.output_tokens) / b.duration_s;
  t.total_tokens_per_s = t.input_tokens_per_s + t.output_tokens_per_s;
  return t;
}

RunHeader header_of(const config::RunConfig& config) {
  RunHeader h;
  h.model = config.model_name;
  h.gpu = config.description.gpu;
  h.tp = config.tensor_parallel;
  h.dp = config.description.dp;
  h.ep = config.description.ep;
  h.instances = config.num_instances;
  h.latency_model = config.description.latency_model;
  h.coefficients = config.description.coefficients;
  h.workload = describe_workload(config);
  h.compat_mode = std::string(core::compat_mode_name(config.compat_mode));
  h.seed = config.seed;
  h.kv_blocks = config.kv_blocks;
  h.kv_blocks_source = config.description.kv_blocks_source;
  h.block_size = config.block_size;
  h.max_running = config.instance.max_running_requests;
  h.max_batched_tokens = config.instance.max_scheduled_tokens;
  if (config.horizon != kInfiniteHorizon) h.horizon_us = config.horizon;
  return h;
}

std::string length_text(const workload::LengthDistribution& d) {
  return fmt::format("{} ± {} tokens in [{}, {}]", d.mean, d.stdev, d.min, d.max);
}

}  // namespace

std::string describe_workload(const config::RunConfig& config) {
  using config::WorkloadKind;
  switch (config.workload) {
    case WorkloadKind::Distribution: {
      const workload::DistributionParams& d = config.distribution;
      const std::string name = config.workload_provenance.rfind("preset:", 0) == 0
                                   ? "preset " + config.workload_provenance.substr(7)
                                   : std::string("distribution");
      std::string text = fmt::format("{}: {} req/s, {} requests, prompt {}, output {}", name,
                                     metrics::go_format_g(d.rate_per_second), d.num_requests, length_text(d.prompt),
                                     length_text(d.output));
      if (d.prefix_tokens > 0) text += fmt::format(", shared prefix {} tokens", d.prefix_tokens);
      return text;
    }
    case WorkloadKind::CsvTrace: return "CSV trace " + config.trace_path;
    case WorkloadKind::Spec:
      return config.workload_provenance.empty() ? "workload spec (inline)" : "workload spec " + config.workload_provenance;
    case WorkloadKind::InferencePerf: {
      const size_t stages = config.workload_spec && config.workload_spec->inference_perf
                                ? config.workload_spec->inference_perf->stages.size()
                                : 0;
      const std::string source = config.workload_provenance.empty() ? "block" : config.workload_provenance;
      return fmt::format("inference-perf {}, {} stage{}", source, stages, stages == 1 ? "" : "s");
    }
    case WorkloadKind::Generator: return "Lua generator";
    case WorkloadKind::TraceV2:
      return config.workload_provenance.empty() ? "trace v2 replay" : "trace v2 replay of " + config.workload_provenance;
  }
  return "unknown";
}

RunSummary summarize_run(const cluster::ClusterSimulation& sim, const config::RunConfig& config,
                         const metrics::ReportFigures& computed) {
  RunSummary s;
  s.header = header_of(config);

  // One pass over the requests: the cluster's, each instance's and each class's lists.
  const size_t n = sim.instances().size();
  Lists cluster;
  std::vector<Lists> per_instance(n);
  std::map<std::string, Lists> per_class;  // byte order of class names
  bool any_class = false;
  std::vector<workload::inference_perf::StageSample> samples;
  const bool staged = config.workload == config::WorkloadKind::InferencePerf;
  for (const Request& r : sim.requests()) {
    if (!r.registered) continue;
    cluster.add(r);
    if (r.instance >= 0 && static_cast<size_t>(r.instance) < n) per_instance[static_cast<size_t>(r.instance)].add(r);
    any_class = any_class || !r.slo_class.empty();
    per_class[r.slo_class.empty() ? "default" : r.slo_class].add(r);
    if (staged) samples.push_back({r.arrival, r.completed, r.first_token_time, r.e2e, r.tpot, r.input_len, r.output_len});
  }

  s.cluster.block = metrics::summary_of(computed.cluster, computed.cluster_latencies);
  s.cluster.tpot = Lists::summarize(cluster.tpot);
  s.cluster.throughput = throughput_of(s.cluster.block);
  s.cluster.cache_hit_rate = computed.cache_hit_rate;
  for (size_t i = 0; i < n; ++i) {
    metrics::CollectedLatencies latencies;
    const metrics::MetricsBlock m = metrics::collect_block(sim, i, latencies, nullptr);
    BlockFigures b;
    b.block = metrics::summary_of(m, latencies);
    b.tpot = Lists::summarize(per_instance[i].tpot);
    b.throughput = throughput_of(b.block);
    const kv::KvCache& kv = sim.instances()[i]->kv();
    b.kv_peak_blocks = kv.peak_used_blocks();
    b.kv_total_blocks = kv.total_capacity();
    b.cache_hit_rate = kv.cache_hit_rate();
    // The cluster's KV peak is its fullest instance's (as a share of its cache).
    const auto share = [](int64_t peak, int64_t total) {
      return total > 0 ? static_cast<double>(peak) / static_cast<double>(total) : 0.0;
    };
    if (i == 0 || share(b.kv_peak_blocks, b.kv_total_blocks) >
                      share(s.cluster.kv_peak_blocks, s.cluster.kv_total_blocks)) {
      s.cluster.kv_peak_blocks = b.kv_peak_blocks;
      s.cluster.kv_total_blocks = b.kv_total_blocks;
    }
    s.instances.push_back(std::move(b));
  }

  if (any_class) {
    for (auto& [name, lists] : per_class) {
      SloClassFigures c;
      c.name = name;
      c.requests = lists.requests;
      c.completed = lists.completed;
      c.ttft = Lists::summarize(lists.ttft);
      c.tpot = Lists::summarize(lists.tpot);
      c.e2e = Lists::summarize(lists.e2e);
      s.slo_classes.push_back(std::move(c));
    }
  }

  if (staged && config.workload_spec && config.workload_spec->inference_perf) {
    const workload::InferencePerfSpec& ip = *config.workload_spec->inference_perf;
    const std::vector<int64_t> stage_of = workload::inference_perf::stages_of_samples(ip, samples);
    std::vector<Lists> per_stage(ip.stages.size());
    for (size_t k = 0; k < samples.size(); ++k) {
      if (stage_of[k] < 0) continue;
      const workload::inference_perf::StageSample& x = samples[k];
      // A completed request has its TTFT (the stage sample keeps it only for those).
      per_stage[static_cast<size_t>(stage_of[k])].add(x.completed, x.ttft, x.completed, x.e2e, x.output_len);
    }
    for (size_t k = 0; k < ip.stages.size(); ++k) {
      StageFigures f;
      f.index = static_cast<int64_t>(k);
      f.rate = ip.stages[k].rate;
      f.duration_s = ip.stages[k].duration;
      f.requests = per_stage[k].requests;
      f.completed = per_stage[k].completed;
      f.ttft = Lists::summarize(per_stage[k].ttft);
      f.tpot = Lists::summarize(per_stage[k].tpot);
      f.e2e = Lists::summarize(per_stage[k].e2e);
      s.stages.push_back(std::move(f));
    }
  }

  s.rejected = sim.rejected_requests();
  s.priority_inversions = computed.priority_inversions;
  s.hol_blocking = computed.hol_blocking;
  s.preemption_rate = computed.preemption_rate;
  s.thrashing_rate = computed.thrashing_rate;
  s.fitness = computed.fitness;
  if (config.summarize_trace && sim.trace() != nullptr) {
    const trace::TraceSummary t = sim.trace()->summarize();
    s.trace = TraceFigures{t.total_decisions, t.admitted, t.rejected, t.mean_regret, t.max_regret};
  }
  return s;
}

}  // namespace blis::report
