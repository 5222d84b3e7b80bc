#include "engine/metrics/calibration.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "engine/core/error.h"
#include "engine/metrics/go_json.h"

namespace blis::metrics {

namespace {

// §D.12: transfer time of `tokens` 4-byte ids at `mbps`, in µs, in the reference's operation order.
double transfer_us(double mbps, int64_t tokens) {
  if (mbps <= 0) return 0;
  const double bits = static_cast<double>(tokens * 4) * 8;
  return bits / (mbps * 1e6) * 1e6;
}

// §E.1: linear interpolation between closest ranks of an ascending list.
double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.size() == 1) return sorted[0];
  const double rank = p / 100 * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(rank));
  const auto hi = static_cast<size_t>(std::ceil(rank));
  if (lo == hi) return sorted[lo];
  return sorted[lo] + (rank - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

std::string quality_of(double mape, double r) {
  if (mape < 0.10 && r > 0.95) return "excellent";
  if (mape < 0.20 && r > 0.85) return "good";
  if (mape < 0.35 && r > 0.70) return "fair";
  return "poor";
}

const char* const kKnownLimitations[] = {
    "BLIS models discrete batch steps. Real servers use iteration-level continuous batching. This may cause "
    "systematic TTFT prediction error under high load.",
    "Sim constructs synthetic prefix token IDs. Prefix cache hit rates may differ from real server, especially "
    "after evictions.",
    "If the real server uses speculative decoding, actual token generation patterns differ from sim's sequential "
    "model.",
};

std::string signed_percent(double real, double sim) {
  if (real == 0) return "-";
  return fmt::format("{:+.1f}%", (sim - real) / real * 100);
}

}  // namespace

CalibrationPairs pair_requests(const std::vector<workload::TraceRecord>& real,
                               const std::vector<SimulatedRequest>& sim, const CalibrationConfig& config) {
  std::map<int64_t, const SimulatedRequest*> by_id;
  for (const SimulatedRequest& s : sim) by_id[s.request_id] = &s;  // a repeated id: the last one wins
  std::map<int64_t, bool> used;
  CalibrationPairs p;
  // NOTE (§D.18, NOTE 11): the reference keeps real records that failed (status error or
  // timeout), whose times are not latencies of a served request, and counts a record with a
  // negative latency both as matched and as unmatched. Corrected, each behind its switch.
  const bool exclude_failed = config.corrections.calibration_excludes_failed;
  const bool negative_once = config.corrections.calibration_negative_latency_once;
  for (const workload::TraceRecord& r : real) {
    if (r.request_id < config.warm_up_requests) {
      ++p.excluded_warm_up;
      continue;
    }
    if (exclude_failed && r.status != "ok") {
      ++p.excluded_failed;
      continue;
    }
    const auto it = by_id.find(r.request_id);
    if (it == by_id.end()) {
      ++p.unmatched_real;
      continue;
    }
    const SimulatedRequest& s = *it->second;
    const double real_ttft = static_cast<double>(r.first_chunk_time_us - r.send_time_us);
    const double real_e2e = static_cast<double>(r.last_chunk_time_us - r.send_time_us);
    const bool negative = real_ttft < 0 || real_e2e < 0;
    if (negative && negative_once) {  // unmatched only; its simulated request stays unmatched too
      ++p.unmatched_real;
      continue;
    }
    ++p.matched;
    used[r.request_id] = true;
    if (r.input_tokens != s.input_tokens || r.output_tokens != s.output_tokens) ++p.token_mismatches;
    if (negative) {
      ++p.unmatched_real;  // also counted as matched above, as in the reference
      continue;
    }
    const double rtt = static_cast<double>(config.network_rtt_us);
    const double upload = transfer_us(config.bandwidth_mbps, s.input_tokens);
    const double sim_ttft = s.ttft_us + rtt + upload;
    const double sim_e2e = s.e2e_us + rtt + upload + transfer_us(config.bandwidth_mbps, s.output_tokens);
    p.real_ttft.push_back(real_ttft);
    p.sim_ttft.push_back(sim_ttft);
    p.real_e2e.push_back(real_e2e);
    p.sim_e2e.push_back(sim_e2e);
    if (r.output_tokens >= 2 && s.output_tokens >= 2 && r.first_chunk_time_us > 0) {
      p.real_itl.push_back((real_e2e - real_ttft) / static_cast<double>(r.output_tokens - 1));
      p.sim_itl.push_back((sim_e2e - sim_ttft) / static_cast<double>(s.output_tokens - 1));
    }
  }
  for (const SimulatedRequest& s : sim) {
    if (!used.count(s.request_id)) ++p.unmatched_sim;
  }
  return p;
}

MetricComparison compare_latencies(const std::vector<double>& real, const std::vector<double>& sim) {
  if (real.empty()) throw Error("calibration needs at least one pair of latencies");
  if (real.size() != sim.size()) {
    throw Error(fmt::format("calibration pairs differ in length: {} real, {} simulated", real.size(), sim.size()));
  }
  MetricComparison m;
  m.count = static_cast<int64_t>(real.size());
  std::vector<double> rs = real, ss = sim;
  std::sort(rs.begin(), rs.end());
  std::sort(ss.begin(), ss.end());
  m.real_p50 = percentile(rs, 50);
  m.sim_p50 = percentile(ss, 50);
  m.real_p90 = percentile(rs, 90);
  m.sim_p90 = percentile(ss, 90);
  m.real_p95 = percentile(rs, 95);
  m.sim_p95 = percentile(ss, 95);
  m.real_p99 = percentile(rs, 99);
  m.sim_p99 = percentile(ss, 99);
  double error_sum = 0, bias = 0;
  int64_t nonzero = 0;
  for (size_t i = 0; i < real.size(); ++i) {
    if (real[i] == 0) continue;
    error_sum += std::abs(real[i] - sim[i]) / real[i];
    bias += sim[i] - real[i];
    ++nonzero;
  }
  if (nonzero > 0) {
    m.mape = error_sum / static_cast<double>(nonzero);
    m.bias = bias > 0 ? "over-predict" : bias < 0 ? "under-predict" : "neutral";
  }
  if (real.size() >= 3) {
    const double n = static_cast<double>(real.size());
    double sx = 0, sy = 0, sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < real.size(); ++i) {
      sx += real[i];
      sy += sim[i];
      sxy += real[i] * sim[i];
      sxx += real[i] * real[i];
      syy += sim[i] * sim[i];
    }
    const double denominator = std::sqrt((n * sxx - sx * sx) * (n * syy - sy * sy));
    // Rounding can make a product of two (in exact arithmetic) non-negative terms negative;
    // the reference would then carry a NaN, which JSON cannot hold (docs/deviations.md).
    m.pearson_r = denominator > 0 ? (n * sxy - sx * sy) / denominator : 0;
  }
  m.quality = quality_of(m.mape, m.pearson_r);
  return m;
}

CalibrationReport build_calibration_report(const CalibrationPairs& pairs, std::vector<std::string> config_matched,
                                           std::vector<std::string> config_defaulted) {
  CalibrationReport report;
  report.matched_pairs = pairs.matched;
  report.warm_up_excluded = pairs.excluded_warm_up;
  report.token_mismatches = pairs.token_mismatches;
  report.unmatched_real = pairs.unmatched_real;
  report.unmatched_sim = pairs.unmatched_sim;
  report.failed_excluded = pairs.excluded_failed;
  report.num_requests = pairs.matched + pairs.excluded_warm_up + pairs.unmatched_real + pairs.excluded_failed;
  if (!pairs.real_e2e.empty()) report.metrics.emplace_back("e2e", compare_latencies(pairs.real_e2e, pairs.sim_e2e));
  if (!pairs.real_itl.empty()) report.metrics.emplace_back("itl", compare_latencies(pairs.real_itl, pairs.sim_itl));
  if (!pairs.real_ttft.empty()) report.metrics.emplace_back("ttft", compare_latencies(pairs.real_ttft, pairs.sim_ttft));
  report.config_matched = std::move(config_matched);
  report.config_defaulted = std::move(config_defaulted);
  return report;
}

std::string calibration_report_json(const CalibrationReport& report) {
  JsonWriter w;
  w.begin_object();
  w.key("trace_info");
  w.begin_object();
  w.key("num_requests"); w.value_int(report.num_requests);
  w.key("warm_up_excluded"); w.value_int(report.warm_up_excluded);
  w.key("matched_pairs"); w.value_int(report.matched_pairs);
  w.key("token_mismatches"); w.value_int(report.token_mismatches);
  if (report.failed_excluded > 0) {
    w.key("failed_excluded"); w.value_int(report.failed_excluded);
  }
  w.end_object();
  w.key("metrics");
  w.begin_object();
  for (const auto& [name, m] : report.metrics) {
    w.key(name);
    w.begin_object();
    const std::pair<const char*, double> values[] = {
        {"RealP50", m.real_p50}, {"SimP50", m.sim_p50}, {"RealP90", m.real_p90}, {"SimP90", m.sim_p90},
        {"RealP95", m.real_p95}, {"SimP95", m.sim_p95}, {"RealP99", m.real_p99}, {"SimP99", m.sim_p99},
        {"MAPE", m.mape},        {"PearsonR", m.pearson_r}};
    for (const auto& [key, value] : values) {
      w.key(key);
      w.value_float(value);
    }
    w.key("BiasDirection"); w.value_string(m.bias);
    w.key("Quality"); w.value_string(m.quality);
    w.key("Count"); w.value_int(m.count);
    w.end_object();
  }
  w.end_object();
  w.key("config_match");
  w.begin_object();
  for (const auto& [key, list] : {std::pair{"matched", &report.config_matched},
                                  std::pair{"defaulted", &report.config_defaulted}}) {
    if (list->empty()) continue;
    w.key(key);
    w.begin_array();
    for (const std::string& s : *list) w.value_string(s);
    w.end_array();
  }
  w.end_object();
  w.key("known_limitations");
  w.begin_array();
  for (const char* text : kKnownLimitations) w.value_string(text);
  w.end_array();
  w.end_object();
  return w.text() + "\n";
}

std::string calibration_report_text(const CalibrationReport& report, const std::string& real_name,
                                    const std::string& sim_name) {
  std::string out = fmt::format("=== Calibration: {} (real) vs {} (simulated) ===\n", real_name, sim_name);
  out += fmt::format("Requests: {} real, {} warm-up excluded, {} matched, {} real without a usable simulated match, "
                     "{} simulated without a real one, {} with different token counts\n",
                     report.num_requests, report.warm_up_excluded, report.matched_pairs, report.unmatched_real,
                     report.unmatched_sim, report.token_mismatches);
  if (report.failed_excluded > 0) {
    out += fmt::format("Excluded: {} real request(s) whose status is not ok\n", report.failed_excluded);
  }
  static const std::map<std::string, const char*> kTitles = {
      {"ttft", "TTFT"}, {"itl", "ITL (per-request mean)"}, {"e2e", "E2E"}};
  for (const char* name : {"ttft", "itl", "e2e"}) {
    const auto it = std::find_if(report.metrics.begin(), report.metrics.end(),
                                 [&](const auto& entry) { return entry.first == name; });
    if (it == report.metrics.end()) continue;
    const MetricComparison& m = it->second;
    out += fmt::format("\n{} (ms), {} pairs\n", kTitles.at(name), m.count);
    out += fmt::format("  {:<5} {:>12} {:>12} {:>9}\n", "", "real", "simulated", "error");
    const std::tuple<const char*, double, double> rows[] = {{"p50", m.real_p50, m.sim_p50},
                                                            {"p90", m.real_p90, m.sim_p90},
                                                            {"p95", m.real_p95, m.sim_p95},
                                                            {"p99", m.real_p99, m.sim_p99}};
    for (const auto& [label, real, sim] : rows) {
      out += fmt::format("  {:<5} {:>12.3f} {:>12.3f} {:>9}\n", label, real / 1000, sim / 1000,
                         signed_percent(real, sim));
    }
    out += fmt::format("  MAPE {:.1f}%   Pearson r {:.4f}   bias {}   quality {}\n", m.mape * 100, m.pearson_r,
                       m.bias.empty() ? "-" : m.bias, m.quality);
  }
  if (report.metrics.empty()) out += "\nNo request could be paired: nothing to compare.\n";
  return out;
}

}  // namespace blis::metrics
