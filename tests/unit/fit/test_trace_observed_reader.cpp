// blis::fit::read_trace_v2_observed on a small real-mode trace (tests/fixtures/fit/trace_real.*)
// whose figures are worked out by hand below, and on traces that measure nothing.
#include <doctest/doctest.h>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "engine/fit/readers/readers.h"
#include "engine/workload/trace_v2.h"
#include "tests/unit/error_of.h"
#include "tests/unit/fit/measurement_lookup.h"

using blis::fit::kWholeRun;
using blis::testing::error_of;
using blis::fit::testing::has_metric;
using blis::fit::testing::metric_ms;

namespace {

const std::string kTrace = std::string(BLIS_SOURCE_DIR) + "/tests/fixtures/fit/trace_real.yaml";
const std::string kColumns =
    "request_id,client_id,tenant_id,slo_class,session_id,round_index,prefix_group,streaming,input_tokens,"
    "output_tokens,text_tokens,image_tokens,audio_tokens,video_tokens,reason_ratio,arrival_time_us,send_time_us,"
    "first_chunk_time_us,last_chunk_time_us,num_chunks,status,error_message\n";

// A trace from texts: rows are "id,send,first,last,output_tokens,num_chunks,status".
std::string observe_error(const std::string& header, const std::vector<std::string>& rows) {
  blis::workload::TraceV2 t;
  t.header_path = "h.yaml";
  t.data_path = "h.csv";
  t.header = blis::workload::parse_trace_header(header, t.header_path);
  std::string data = kColumns;
  for (const std::string& row : rows) {
    std::string id, send, first, last, out, chunks, status;
    std::stringstream ss(row);
    std::getline(ss, id, ','), std::getline(ss, send, ','), std::getline(ss, first, ',');
    std::getline(ss, last, ','), std::getline(ss, out, ','), std::getline(ss, chunks, ','), std::getline(ss, status);
    data += id + ",c,,,,0,,true,10," + out + ",0,0,0,0,0,0," + send + "," + first + "," + last + "," + chunks + "," +
            status + ",\n";
  }
  t.records = blis::workload::parse_trace_data(data, t.data_path, t.has_sharing_columns);
  return error_of([&] { blis::fit::observed_from_trace(t); });
}

const char* kRealHeader = "trace_version: 2\ntime_unit: us\nmode: real\nwarm_up_requests: 0\n";

}  // namespace

TEST_CASE("trace v2 reader: per-request latencies and whole-run statistics, in the trace's time unit") {
  const blis::fit::Measurement m = blis::fit::read_trace_v2_observed(kTrace);
  CHECK(m.source == kTrace);
  // request 0 is the warm-up (warm_up_requests: 1), request 4 failed
  REQUIRE(m.requests.size() == 4);
  CHECK(m.requests[0].id == "1");
  CHECK(m.requests[0].ttft_ms == 100);  // time_unit ms: 1100 - 1000
  CHECK(m.requests[0].e2e_ms == 600);
  CHECK(m.requests[0].tpot_ms == 50);   // (1600 - 1100) / (11 - 1)
  CHECK(m.requests[2].id == "3");
  CHECK(std::isnan(m.requests[2].tpot_ms));  // one output token
  CHECK(m.requests[3].id == "5");
  CHECK(m.requests[3].tpot_ms == 60);
  // TTFT 100, 40, 30, 60; E2E 600, 240, 30, 1260; TPOT 50, 50, 60 (ms)
  CHECK(metric_ms(m, kWholeRun, "ttft_mean") == doctest::Approx(57.5));
  CHECK(metric_ms(m, kWholeRun, "ttft_p50") == doctest::Approx(50));    // rank 1.5 of 30,40,60,100
  CHECK(metric_ms(m, kWholeRun, "ttft_p90") == doctest::Approx(88));    // rank 2.7
  CHECK(metric_ms(m, kWholeRun, "ttft_p99") == doctest::Approx(98.8));  // rank 2.97
  CHECK(metric_ms(m, kWholeRun, "e2e_mean") == doctest::Approx(532.5));
  CHECK(metric_ms(m, kWholeRun, "e2e_p50") == doctest::Approx(420));
  CHECK(metric_ms(m, kWholeRun, "e2e_p90") == doctest::Approx(1062));
  CHECK(metric_ms(m, kWholeRun, "tpot_mean") == doctest::Approx(160.0 / 3));
  CHECK(metric_ms(m, kWholeRun, "tpot_p90") == doctest::Approx(58));  // rank 1.8 of 50,50,60
  // the mean gap between chunks: (500 + 200 + 1200) ms over (10 + 4 + 20) gaps
  CHECK(metric_ms(m, kWholeRun, "itl_mean") == doctest::Approx(1900.0 / 34));
  CHECK_FALSE(has_metric(m, kWholeRun, "itl_p90"));
  CHECK(m.metrics.size() == 16);
}

TEST_CASE("trace v2 reader: microseconds by default, no itl_mean without chunk counts") {
  blis::workload::TraceV2 t;
  t.header_path = "h.yaml";
  t.data_path = "h.csv";
  t.header = blis::workload::parse_trace_header("trace_version: 2\ntime_unit: \"\"\nmode: real\n", t.header_path);
  t.records = blis::workload::parse_trace_data(
      kColumns + "7,c,,,,0,,true,10,3,0,0,0,0,0,0,1000,3500,9500,0,ok,\n", t.data_path, t.has_sharing_columns);
  const blis::fit::Measurement m = blis::fit::observed_from_trace(t);
  REQUIRE(m.requests.size() == 1);
  CHECK(m.requests[0].ttft_ms == 2.5);
  CHECK(m.requests[0].e2e_ms == 8.5);
  CHECK(m.requests[0].tpot_ms == 3);
  CHECK(metric_ms(m, kWholeRun, "ttft_p99") == 2.5);
  CHECK_FALSE(has_metric(m, kWholeRun, "itl_mean"));
}

TEST_CASE("trace v2 reader: traces that measure nothing, or nonsense, are errors naming the file and line") {
  CHECK(observe_error("trace_version: 2\ntime_unit: min\nmode: real\n", {"1,0,5,9,3,3,ok"}) ==
        "h.yaml: time_unit 'min' is not one of us, ms, s, ns");
  CHECK(observe_error("trace_version: 2\ntime_unit: us\nmode: generated\n", {"1,0,5,9,3,3,ok"}) ==
        "h.yaml: a generated trace (mode: generated) records no measured latencies; give a trace of a real run "
        "(mode: real)");
  CHECK(observe_error(kRealHeader, {"1,0,0,0,3,0,ok", "2,10,10,10,3,0,ok"}) ==
        "h.csv: no request has a latency (every chunk time equals its send time): a workload, not a measurement");
  CHECK(observe_error(kRealHeader, {"1,0,5,9,3,3,error"}) == "h.csv: no request with status ok to measure");
  CHECK(observe_error("trace_version: 2\ntime_unit: us\nmode: real\nwarm_up_requests: 5\n", {"1,0,5,9,3,3,ok"}) ==
        "h.csv: no request with status ok after the warm-up requests to measure");
  CHECK(observe_error(kRealHeader, {"1,0,5,9,3,3,ok", "2,100,90,200,3,3,ok"}) ==
        "h.csv:3: request 2 has status ok but its times are out of order (send 100, first chunk 90, last chunk 200): "
        "expected send <= first chunk <= last chunk");
  CHECK(observe_error(kRealHeader, {"1,-9223372036854775807,9223372036854775807,9223372036854775807,3,3,ok"}) ==
        "h.csv:2: request 1 has status ok but a negative time (send -9223372036854775807, first chunk "
        "9223372036854775807, last chunk 9223372036854775807)");
  CHECK(observe_error(kRealHeader, {"1,0,5,9,3,3,ok", "1,0,5,9,3,3,ok"}) ==
        "h.csv:3: request_id 1 already appears on line 2");
  CHECK(error_of([] { blis::fit::read_trace_v2_observed(std::string(BLIS_SOURCE_DIR) + "/tests/fixtures/fit/none.yaml"); })
            .find("none.yaml") != std::string::npos);
}

TEST_CASE("trace v2 reader: a real C_ run written by c_to_trace_v2.py measures as LLMServingSim's ground truth") {
  // tests/fixtures/fit/c_rtx4090_head.*: the first 12 requests of the RTX 4090 Llama-3.1-8B run
  // (`c_to_trace_v2.py C/RTX4090/Llama-3.1-8B tests/fixtures/fit/c_rtx4090_head.yaml --limit 12`);
  // the expected values are the fixture's real_ttft_ms / real_e2e_ms / real_tpot_ms (µs-rounded).
  const blis::fit::Measurement m =
      blis::fit::read_trace_v2_observed(std::string(BLIS_SOURCE_DIR) + "/tests/fixtures/fit/c_rtx4090_head.yaml");
  REQUIRE(m.requests.size() == 12);
  CHECK(m.requests[0].id == "0");
  CHECK(m.requests[0].ttft_ms == doctest::Approx(689.4346).epsilon(1e-6));
  CHECK(m.requests[0].e2e_ms == doctest::Approx(17570.3176).epsilon(1e-7));
  CHECK(m.requests[0].tpot_ms == doctest::Approx(31.85072).epsilon(1e-5));
  CHECK(m.requests[11].id == "11");
  CHECK(m.requests[11].tpot_ms == doctest::Approx(30.49550).epsilon(1e-5));
}
