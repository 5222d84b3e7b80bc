#include "engine/workload/inference_perf/stage_report.h"

#include <algorithm>
#include <cmath>

#include "engine/metrics/go_json.h"
#include "engine/workload/inference_perf/harness_source.h"
#include "engine/workload/inference_perf/stage_timer.h"

namespace blis::workload::inference_perf {

namespace {

struct StageValues {
  int64_t sent = 0, completed = 0;
  Tick first = 0, last = 0;
  std::vector<double> e2e_s, ttft_s, tpot_s;
  double prompt_sum = 0, output_sum = 0;
};

void write_distribution(metrics::JsonWriter& w, const char* name, std::vector<double>& values) {
  std::sort(values.begin(), values.end());
  double sum = 0;
  for (const double v : values) sum += v;
  w.key(name);
  w.begin_object();
  w.key("mean");
  w.value_float(values.empty() ? 0.0 : sum / static_cast<double>(values.size()));
  for (const auto& [label, p] : {std::pair{"median", 50.0}, std::pair{"p90", 90.0}, std::pair{"p99", 99.0}}) {
    w.key(label);
    w.value_float(linear_percentile(values, p));
  }
  w.end_object();
}

// A Poisson stage ends at a random time, but it sends exactly int(rate x duration) requests
// and every send of stage k precedes every send of stage k + 1: in arrival order, the first
// count_0 requests are stage 0's, and so on (a cut run loses only a suffix).
std::vector<int64_t> stages_by_rank(const InferencePerfSpec& ip, const std::vector<StageSample>& samples) {
  std::vector<size_t> order(samples.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return samples[a].arrival < samples[b].arrival; });
  std::vector<int64_t> stage(samples.size(), -1);
  size_t k = 0;
  int64_t left = ip.stages.empty() ? 0 : stage_request_count(ip.stages[0].rate, ip.stages[0].duration);
  for (const size_t i : order) {
    while (left == 0 && k + 1 < ip.stages.size()) {
      ++k;
      left = stage_request_count(ip.stages[k].rate, ip.stages[k].duration);
    }
    if (left == 0) break;
    stage[i] = static_cast<int64_t>(k);
    --left;
  }
  return stage;
}

}  // namespace

int64_t stage_of(const InferencePerfSpec& ip, Tick arrival) {
  for (size_t k = 0; k < ip.stages.size(); ++k) {
    const Tick start = stage_start_us(ip, k);
    if (arrival >= start && arrival <= start + ip.stages[k].duration * 1'000'000) return static_cast<int64_t>(k);
  }
  return -1;
}

std::vector<int64_t> stages_of_samples(const InferencePerfSpec& ip, const std::vector<StageSample>& samples) {
  if (ip.poisson) return stages_by_rank(ip, samples);
  std::vector<int64_t> stage;
  stage.reserve(samples.size());
  for (const StageSample& s : samples) stage.push_back(stage_of(ip, s.arrival));
  return stage;
}

double linear_percentile(const std::vector<double>& sorted, double percent) {
  if (sorted.empty()) return 0;
  const double rank = percent / 100.0 * static_cast<double>(sorted.size() - 1);
  const size_t below = static_cast<size_t>(std::floor(rank));
  const size_t above = std::min(below + 1, sorted.size() - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (rank - static_cast<double>(below));
}

std::string stage_report_json(const InferencePerfSpec& ip, const std::vector<StageSample>& samples) {
  std::vector<StageValues> stages(ip.stages.size());
  const std::vector<int64_t> stage_by_sample = stages_of_samples(ip, samples);
  for (size_t i = 0; i < samples.size(); ++i) {
    const StageSample& s = samples[i];
    const int64_t k = stage_by_sample[i];
    if (k < 0) continue;
    StageValues& v = stages[static_cast<size_t>(k)];
    if (v.sent == 0 || s.arrival < v.first) v.first = s.arrival;
    if (v.sent == 0 || s.arrival > v.last) v.last = s.arrival;
    ++v.sent;
    if (!s.completed) continue;
    ++v.completed;
    v.e2e_s.push_back(static_cast<double>(s.e2e) / 1e6);
    v.ttft_s.push_back(static_cast<double>(s.ttft) / 1e6);
    v.tpot_s.push_back(s.tpot_us / 1e6);
    v.prompt_sum += static_cast<double>(s.input_len);
    v.output_sum += static_cast<double>(s.output_len);
  }
  metrics::JsonWriter w;
  w.begin_array();
  for (size_t k = 0; k < stages.size(); ++k) {
    StageValues& v = stages[k];
    const double send_s = static_cast<double>(v.last - v.first) / 1e6;
    w.begin_object();
    w.key("stage");
    w.value_int(static_cast<int64_t>(k));
    w.key("load_summary");
    w.begin_object();
    w.key("count");
    w.value_int(v.sent);
    w.key("send_duration");
    w.value_float(send_s);
    w.key("requested_rate");
    w.value_float(ip.stages[k].rate);
    w.key("achieved_rate");
    w.value_float(send_s > 0 ? static_cast<double>(v.sent) / send_s : 0.0);
    w.end_object();
    w.key("successes");
    w.begin_object();
    w.key("count");
    w.value_int(v.completed);
    w.key("latency");
    w.begin_object();
    write_distribution(w, "request_latency", v.e2e_s);
    write_distribution(w, "time_to_first_token", v.ttft_s);
    write_distribution(w, "time_per_output_token", v.tpot_s);
    w.end_object();
    const double done = v.completed > 0 ? static_cast<double>(v.completed) : 1.0;
    w.key("prompt_len_mean");
    w.value_float(v.prompt_sum / done);
    w.key("output_len_mean");
    w.value_float(v.output_sum / done);
    w.end_object();
    w.key("unfinished");  // registered, not completed when the run ended (the harness's failures differ)
    w.value_int(v.sent - v.completed);
    w.end_object();
  }
  w.end_array();
  return w.text();
}

}  // namespace blis::workload::inference_perf
