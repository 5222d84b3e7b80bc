// Calibration (§D.18): pairing by id with warm-up, unmatched and token-mismatch counts, client-side
// network adjustments, and the comparison statistics (percentiles, MAPE, Pearson r, bias, grade).
#include <doctest/doctest.h>

#include "engine/core/error.h"
#include "engine/metrics/calibration.h"

using namespace blis::metrics;
using blis::workload::TraceRecord;

namespace {

TraceRecord real_row(int64_t id, int64_t send, int64_t first, int64_t last, int64_t in = 100, int64_t out = 11) {
  TraceRecord r;
  r.request_id = id;
  r.send_time_us = send;
  r.first_chunk_time_us = first;
  r.last_chunk_time_us = last;
  r.input_tokens = in;
  r.output_tokens = out;
  return r;
}

}  // namespace

TEST_CASE("calibration pairs requests by id, after the warm-up, counting what does not pair") {
  const std::vector<TraceRecord> real = {
      real_row(0, 0, 10, 100),          // warm-up
      real_row(1, 1000, 1200, 3000),    // pairs
      real_row(2, 0, 50, 40),           // pairs; E2E >= 0, TTFT >= 0
      real_row(3, 500, 400, 900),       // negative TTFT: unmatched, yet counted matched (NOTE)
      real_row(4, 0, 10, 20, 100, 12),  // pairs with a token mismatch
      real_row(9, 0, 10, 20),           // no simulated request
  };
  const std::vector<SimulatedRequest> sim = {
      {1, 150, 1800, 100, 11}, {2, 60, 80, 100, 11}, {3, 1, 2, 100, 11}, {4, 10, 20, 100, 11}, {7, 1, 2, 100, 11}};
  CalibrationConfig config;
  config.warm_up_requests = 1;
  config.network_rtt_us = 25;
  config.bandwidth_mbps = 8;  // 100 tokens * 32 bits / 8 Mbit/s = 400 µs up; 11 tokens = 44 µs down
  const CalibrationPairs p = pair_requests(real, sim, config);
  CHECK(p.excluded_warm_up == 1);
  CHECK(p.matched == 4);
  CHECK(p.unmatched_real == 2);
  CHECK(p.unmatched_sim == 1);  // id 7
  CHECK(p.token_mismatches == 1);
  REQUIRE(p.real_ttft.size() == 3);
  CHECK(p.real_ttft[0] == 200);
  CHECK(p.real_e2e[0] == 2000);
  CHECK(p.sim_ttft[0] == doctest::Approx(150 + 25 + 400));
  CHECK(p.sim_e2e[0] == doctest::Approx(1800 + 25 + 400 + 44));
  // ITL: (E2E - TTFT) / (output - 1) on both sides
  REQUIRE(p.real_itl.size() == 3);
  CHECK(p.real_itl[0] == doctest::Approx(180));
  CHECK(p.sim_itl[0] == doctest::Approx((1800.0 + 44 - 150) / 10));
  const CalibrationReport report = build_calibration_report(p, {"model"}, {});
  CHECK(report.num_requests == 4 + 1 + 2);
  REQUIRE(report.metrics.size() == 3);
  CHECK(report.metrics[0].first == "e2e");
  CHECK(report.metrics[1].first == "itl");
  CHECK(report.metrics[2].first == "ttft");
}

TEST_CASE("calibration statistics: percentiles, MAPE, Pearson r, bias and grade") {
  const std::vector<double> real = {100, 200, 300, 400};
  const std::vector<double> sim = {110, 190, 330, 440};
  const MetricComparison m = compare_latencies(real, sim);
  CHECK(m.count == 4);
  CHECK(m.real_p50 == 250);
  CHECK(m.real_p90 == doctest::Approx(370));
  CHECK(m.sim_p99 == doctest::Approx(436.7));
  CHECK(m.mape == doctest::Approx((0.1 + 0.05 + 0.1 + 0.1) / 4));
  CHECK(m.bias == "over-predict");
  CHECK(m.pearson_r > 0.99);
  CHECK(m.quality == "excellent");
  CHECK(compare_latencies({100, 100, 100}, {50, 50, 50}).bias == "under-predict");
  CHECK(compare_latencies({100, 100, 100}, {50, 50, 50}).pearson_r == 0);  // no variance: 0
  CHECK(compare_latencies({100, 200}, {100, 200}).pearson_r == 0);         // fewer than 3 pairs
  CHECK(compare_latencies({100, 200}, {100, 200}).bias == "neutral");
  const MetricComparison zeros = compare_latencies({0, 0, 0}, {1, 2, 3});
  CHECK(zeros.mape == 0);
  CHECK(zeros.bias == "");
  CHECK(zeros.quality == "poor");
  CHECK(compare_latencies({100, 200, 300}, {130, 260, 390}).quality == "fair");  // MAPE 0.3, r 1
  CHECK_THROWS_AS(compare_latencies({}, {}), blis::Error);
  CHECK_THROWS_AS(compare_latencies({1}, {1, 2}), blis::Error);
}

TEST_CASE("the calibration report has the reference's keys") {
  CalibrationPairs none;
  const std::string json = calibration_report_json(build_calibration_report(none, {}, {}));
  CHECK(json.find("\"metrics\": {}") != std::string::npos);
  CHECK(json.find("\"config_match\": {}") != std::string::npos);
  CHECK(json.find("\"known_limitations\": [") != std::string::npos);
  CHECK(json.find("\"duration\"") == std::string::npos);
}

TEST_CASE("calibration corrections: failed real records left out; a negative latency counted once") {
  TraceRecord failed = real_row(2, 0, 50, 400);
  failed.status = "error";
  const std::vector<TraceRecord> real = {real_row(1, 1000, 1200, 3000), failed, real_row(3, 500, 400, 900)};
  const std::vector<SimulatedRequest> sim = {{1, 150, 1800, 100, 11}, {2, 60, 80, 100, 11}, {3, 1, 2, 100, 11}};
  CalibrationConfig config;
  // Reference (every switch off): the failed row pairs; the negative one is matched and unmatched.
  const CalibrationPairs ref = pair_requests(real, sim, config);
  CHECK(ref.matched == 3);
  CHECK(ref.unmatched_real == 1);
  CHECK(ref.excluded_failed == 0);
  CHECK(ref.real_e2e.size() == 2);
  CHECK(build_calibration_report(ref, {}, {}).num_requests == 4);  // 3 real rows counted as 4
  CHECK(calibration_report_json(build_calibration_report(ref, {}, {})).find("failed_excluded") == std::string::npos);

  config.corrections.calibration_excludes_failed = true;
  const CalibrationPairs failed_out = pair_requests(real, sim, config);
  CHECK(failed_out.excluded_failed == 1);
  CHECK(failed_out.matched == 2);
  CHECK(failed_out.real_e2e.size() == 1);
  CHECK(failed_out.unmatched_sim == 1);  // the failed row's simulated request pairs with nothing

  config.corrections.calibration_negative_latency_once = true;
  const CalibrationPairs both = pair_requests(real, sim, config);
  CHECK(both.matched == 1);
  CHECK(both.unmatched_real == 1);
  CHECK(both.unmatched_sim == 2);
  const CalibrationReport report = build_calibration_report(both, {}, {});
  CHECK(report.num_requests == 3);  // each real row once
  CHECK(calibration_report_json(report).find("\"failed_excluded\": 1") != std::string::npos);
  CHECK(calibration_report_text(report, "r", "s").find("Excluded: 1 real request(s) whose status is not ok") !=
        std::string::npos);

  config.corrections.calibration_excludes_failed = false;  // the negative-latency switch alone
  const CalibrationPairs once = pair_requests(real, sim, config);
  CHECK(once.matched == 2);
  CHECK(once.unmatched_real == 1);
  CHECK(build_calibration_report(once, {}, {}).num_requests == 3);
}
