// inference-perf config files (engine/workload/inference_perf/config_file): the strict reader,
// then what `blis run --workload-inference-perf` builds from a file it accepts: the harness
// source's prompt pool, stage timers (constant and Poisson) and first requests. At most 2,000
// requests (and about 5e7 tokens) are drawn, so a fuzzed rate of 10^15 or a prompt of 10^7
// tokens cannot make one input run for minutes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/core/error.h"
#include "engine/workload/inference_perf/config_file.h"
#include "engine/workload/inference_perf/harness_source.h"
#include "engine/workload/inference_perf/stage_report.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const blis::workload::WorkloadSpecFile spec = blis::workload::inference_perf::parse_config_file(text, "fuzz.yaml");
    const blis::workload::InferencePerfSpec& ip = *spec.inference_perf;
    // At most ~5e7 tokens drawn per input (a fuzzed length may be 10^7 tokens per request).
    const auto& sp = *ip.shared_prefix;
    const int64_t per_request = sp.system_prompt_len + sp.question_len + sp.output_len;
    const int64_t requests = std::max<int64_t>(1, std::min<int64_t>(2000, 50'000'000 / std::max<int64_t>(per_request, 1)));
    blis::workload::inference_perf::HarnessSource source(ip, 42, INT64_MAX, requests);
    std::vector<blis::workload::inference_perf::StageSample> samples;
    blis::workload::GeneratedRequest r;
    while (source.next(r)) {
      samples.push_back({r.arrival, true, 1, 2, 1.0, static_cast<int64_t>(r.input.size()),
                         static_cast<int64_t>(r.output.size())});
    }
    blis::workload::inference_perf::stage_report_json(ip, samples);
  } catch (const blis::Error&) {
  }
  return 0;
}
