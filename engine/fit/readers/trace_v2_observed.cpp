// The latencies a real trace v2 recorded (docs/fit-inputs.md, "Trace v2 files"), read with the
// trace loader `blis calibrate` and `blis run --workload-trace` use (engine/workload/trace_v2),
// and measured as calibration measures them (engine/metrics/calibration.cpp): from the moment
// the client sent the request, so TTFT and E2E include the network and queueing time the
// server saw.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "engine/core/error.h"
#include "engine/fit/readers/readers.h"
#include "engine/metrics/statistics.h"

namespace blis::fit {

namespace {

// Microseconds per unit of the trace's times.
double microseconds_per_unit(const workload::TraceHeader& header, const std::string& origin) {
  const std::string& unit = header.time_unit;
  if (unit.empty() || unit == "us") return 1;  // the columns' own unit (*_time_us)
  if (unit == "ms") return 1e3;
  if (unit == "s") return 1e6;
  if (unit == "ns") return 1e-3;
  throw Error(fmt::format("{}: time_unit '{}' is not one of us, ms, s, ns", origin, unit));
}

// The whole-run statistics of one quantity over the requests that have it (values in µs).
void append_statistics(const char* quantity, std::vector<double> us, std::vector<ObservedMetric>& out) {
  if (us.empty()) return;
  std::sort(us.begin(), us.end());
  out.push_back({kWholeRun, fmt::format("{}_mean", quantity), metrics::mean_ms(us)});
  // percentile_ms interpolates linearly between closest ranks: numpy's default percentile.
  for (const int p : {50, 90, 95, 99}) {
    out.push_back({kWholeRun, fmt::format("{}_p{}", quantity, p), metrics::percentile_ms(us, p)});
  }
}

}  // namespace

Measurement observed_from_trace(const workload::TraceV2& trace) {
  const double scale = microseconds_per_unit(trace.header, trace.header_path);
  if (trace.header.mode == "generated") {
    throw Error(fmt::format("{}: a generated trace (mode: generated) records no measured latencies; give a trace of "
                            "a real run (mode: real)",
                            trace.header_path));
  }
  Measurement m;
  m.source = trace.header_path;
  std::vector<double> ttft_us, e2e_us, tpot_us;
  // inference-perf's inter_token_latency is the distribution of the gaps between consecutive
  // streamed chunks over all requests. A trace keeps only each request's first and last chunk
  // and its chunk count, so the gaps' mean is exact (their sum over a request is last - first)
  // but their percentiles are not derivable: only itl_mean is reported.
  double gap_sum_us = 0;
  double gaps = 0;  // a double: chunk counts are not bounded, their int64 sum could overflow
  std::map<int64_t, int> line_of_id;
  for (const workload::TraceRecord& r : trace.records) {
    // As `blis calibrate` pairs requests: warm-up requests and failed ones are no measurement of
    // the served steady state.
    if (r.request_id < trace.header.warm_up_requests || r.status != "ok") continue;
    const std::string where = fmt::format("{}:{}", trace.data_path, r.line);
    if (const auto [it, added] = line_of_id.emplace(r.request_id, r.line); !added) {
      throw Error(fmt::format("{}: request_id {} already appears on line {}", where, r.request_id, it->second));
    }
    if (r.send_time_us < 0 || r.first_chunk_time_us < 0 || r.last_chunk_time_us < 0) {
      throw Error(fmt::format("{}: request {} has status ok but a negative time (send {}, first chunk {}, last chunk "
                              "{})",
                              where, r.request_id, r.send_time_us, r.first_chunk_time_us, r.last_chunk_time_us));
    }
    if (r.first_chunk_time_us < r.send_time_us || r.last_chunk_time_us < r.first_chunk_time_us) {
      throw Error(fmt::format("{}: request {} has status ok but its times are out of order (send {}, first chunk "
                              "{}, last chunk {}): expected send <= first chunk <= last chunk",
                              where, r.request_id, r.send_time_us, r.first_chunk_time_us, r.last_chunk_time_us));
    }
    // The differences of two non-negative int64 times (checked above) cannot overflow.
    const double ttft = static_cast<double>(r.first_chunk_time_us - r.send_time_us) * scale;
    const double e2e = static_cast<double>(r.last_chunk_time_us - r.send_time_us) * scale;
    const double decode = static_cast<double>(r.last_chunk_time_us - r.first_chunk_time_us) * scale;
    double tpot = std::numeric_limits<double>::quiet_NaN();
    if (r.output_tokens >= 2) {
      tpot = decode / static_cast<double>(r.output_tokens - 1);
      tpot_us.push_back(tpot);
    }
    if (r.num_chunks >= 2) {
      gap_sum_us += decode;
      gaps += static_cast<double>(r.num_chunks - 1);
    }
    ttft_us.push_back(ttft);
    e2e_us.push_back(e2e);
    m.requests.push_back({std::to_string(r.request_id), ttft / 1000, e2e / 1000, tpot / 1000});
  }
  if (m.requests.empty()) {
    throw Error(fmt::format("{}: no request with status ok{} to measure", trace.data_path,
                            trace.header.warm_up_requests > 0 ? " after the warm-up requests" : ""));
  }
  if (*std::max_element(e2e_us.begin(), e2e_us.end()) == 0) {
    throw Error(fmt::format("{}: no request has a latency (every chunk time equals its send time): a workload, not "
                            "a measurement",
                            trace.data_path));
  }
  append_statistics("e2e", std::move(e2e_us), m.metrics);
  append_statistics("ttft", std::move(ttft_us), m.metrics);
  if (gaps > 0) m.metrics.push_back({kWholeRun, "itl_mean", gap_sum_us / gaps / 1000});
  append_statistics("tpot", std::move(tpot_us), m.metrics);
  return m;
}

Measurement read_trace_v2_observed(const std::string& trace_header_path) {
  return observed_from_trace(
      workload::load_trace_v2(trace_header_path, workload::trace_data_path_for(trace_header_path)));
}

}  // namespace blis::fit
