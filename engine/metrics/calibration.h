// Calibration (cluster-workload-trace §D.18): how far a simulated run of a workload is from
// measurements of the same requests on a real server. Requests are paired by id; each latency
// gets percentiles on both sides, the mean absolute percentage error, Pearson's r, the bias
// direction and a quality grade. The reference compares TTFT and E2E; blis adds the per-request
// mean ITL, (E2E - TTFT) / (output tokens - 1), on both sides.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/corrections.h"
#include "engine/workload/trace_v2.h"

namespace blis::metrics {

// A simulated request as calibration sees it (server-side times, µs).
struct SimulatedRequest {
  int64_t request_id = 0;
  double ttft_us = 0, e2e_us = 0;
  int64_t input_tokens = 0, output_tokens = 0;
};

struct CalibrationConfig {
  int64_t warm_up_requests = 0;  // real requests with id below this are left out
  int64_t network_rtt_us = 0;    // added to the simulated (server-side) times
  double bandwidth_mbps = 0;     // upload/download time added to them; <= 0: none
  // calibration_negative_latency_once and calibration_excludes_failed (all off: the reference)
  core::Corrections corrections;
};

struct CalibrationPairs {
  std::vector<double> real_ttft, sim_ttft, real_e2e, sim_e2e, real_itl, sim_itl;
  int64_t matched = 0, excluded_warm_up = 0, unmatched_real = 0, unmatched_sim = 0, token_mismatches = 0;
  int64_t excluded_failed = 0;  // real records whose status is not ok (calibration_excludes_failed)
};

// §D.18 PrepareCalibrationPairs, plus the ITL pairs (requests with at least two output tokens).
CalibrationPairs pair_requests(const std::vector<workload::TraceRecord>& real,
                               const std::vector<SimulatedRequest>& sim, const CalibrationConfig& config);

struct MetricComparison {
  double real_p50 = 0, sim_p50 = 0, real_p90 = 0, sim_p90 = 0, real_p95 = 0, sim_p95 = 0, real_p99 = 0, sim_p99 = 0;
  double mape = 0;       // a fraction, not %
  double pearson_r = 0;
  std::string bias;      // "over-predict" | "under-predict" | "neutral" | "" (no pair with real != 0)
  std::string quality;   // "excellent" | "good" | "fair" | "poor"
  int64_t count = 0;
};

// §D.18 ComputeCalibration. Throws blis::Error if the lists are empty or differ in length.
MetricComparison compare_latencies(const std::vector<double>& real, const std::vector<double>& sim);

struct CalibrationReport {
  int64_t num_requests = 0, warm_up_excluded = 0, matched_pairs = 0, token_mismatches = 0;
  int64_t unmatched_real = 0, unmatched_sim = 0;
  int64_t failed_excluded = 0;  // in the JSON only when > 0 (never in reference mode)
  // (name, comparison) for the latencies that have pairs, in name order: e2e, itl, ttft
  std::vector<std::pair<std::string, MetricComparison>> metrics;
  std::vector<std::string> config_matched, config_defaulted;
};

CalibrationReport build_calibration_report(const CalibrationPairs& pairs, std::vector<std::string> config_matched,
                                           std::vector<std::string> config_defaulted);

// The report as JSON (§D.18 BuildCalibrationReport's keys, plus "itl"), indented, with a final newline.
std::string calibration_report_json(const CalibrationReport& report);
// The report for people: one block per latency with percentiles in ms and their errors.
std::string calibration_report_text(const CalibrationReport& report, const std::string& real_name,
                                    const std::string& sim_name);

}  // namespace blis::metrics
