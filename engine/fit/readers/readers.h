// Readers of real serving measurements for `blis fit` (docs/fit-inputs.md): each turns one kind
// of measurement file into a Measurement (engine/fit/measurement.h), in milliseconds. Bad input
// is a blis::Error naming the file (and the line or key path); nothing here prints or exits.
//
// Every reader has a text-level entry point beside its file-level one, so that tests and the
// fuzz harnesses (tests/fuzz/fit_*.cpp) can feed it bytes without touching the file system.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/fit/measurement.h"
#include "engine/workload/trace_v2.h"

namespace blis::fit {

// ---- inference-perf result folders (sim2real A_) ------------------------------------------
// `folder` is an experiment folder holding results/, or that results/ folder itself. Reads
// results/summary_lifecycle_metrics.json (stage kWholeRun) and every
// results/stage_N_lifecycle_metrics.json (stage N): the successful requests' request_latency
// (e2e), time_to_first_token (ttft), inter_token_latency (itl) and time_per_output_token (tpot),
// each with mean, median (p50), p90, p95 and p99, converted from seconds to ms. Metrics are in
// stage order (whole run first), then quantity and statistic in the order just listed.
Measurement read_inference_perf_results(const std::string& folder);

// One lifecycle-metrics JSON document (`origin` names it in messages): appends its metrics,
// tagged with `stage`, to `out`. An absent or null block (a stage without successes) adds
// nothing; malformed JSON, a value that is not a number, or a negative one is an error.
void append_lifecycle_metrics(std::string_view json_text, const std::string& origin, int stage,
                              std::vector<ObservedMetric>& out);

// A result folder together with what `blis run` needs to simulate the same experiment: the
// server settings of exp-config.yaml (beside results/) and the inference-perf config the harness
// ran (results/config.yaml). Settings absent from exp-config.yaml stay unset, and blis run then
// uses its own defaults for them.
struct InferencePerfRun {
  Measurement measurement;
  std::string experiment_folder;  // the folder holding exp-config.yaml and results/
  std::string model;              // exp-config `model`, a HuggingFace id (blis finds it case-insensitively)
  std::optional<int64_t> tensor_parallelism, max_model_len, max_num_batched_tokens, max_num_seqs;
  std::string workload_config;    // path of results/config.yaml

  // `blis run` flags reproducing the experiment: --model, --tp, --max-num-running-reqs,
  // --max-num-scheduled-tokens, --max-model-len (each only when set) and
  // --workload-inference-perf, as flag/value pairs.
  std::vector<std::string> blis_run_flags() const;
};
InferencePerfRun read_inference_perf_run(const std::string& folder);

// exp-config.yaml's text (`origin` names it): fills the server settings of `run`.
void parse_experiment_config(const std::string& text, const std::string& origin, InferencePerfRun& run);

// ---- aggregate tables (sim2real B_ trainval13_ground_truth_aggregates.csv) ------------------
// The rows of `experiment`: stage_index -1 is kWholeRun; metric names are
// "<e2e|ttft|itl|tpot>_<mean|p50|median|p90|p95|p99>" ("median" becomes p50), values in ms.
// Rows whose conflict column says True are left out (the table's producer found its sources
// disagreeing on that value). Metrics are in file order.
Measurement read_aggregate_table(const std::string& csv_path, const std::string& experiment);
// The experiments of the table, each once, in the order they first appear.
std::vector<std::string> aggregate_table_experiments(const std::string& csv_path);

// The same on the table's text; the whole table is checked, not only `experiment`'s rows.
Measurement parse_aggregate_table(std::string_view text, const std::string& origin, const std::string& experiment);
std::vector<std::string> parse_aggregate_table_experiments(std::string_view text, const std::string& origin);

// ---- real trace v2 files (engine/workload/trace_v2.h) ------------------------------------
// Per request with status ok (and id not below the header's warm_up_requests): TTFT =
// first_chunk - send, E2E = last_chunk - send, TPOT = (last_chunk - first_chunk) / (output
// tokens - 1) (NaN below 2 tokens), in the header's time_unit (us, ms, s or ns; empty means us).
// Whole-run metrics: mean, p50, p90, p95, p99 of TTFT, E2E and TPOT, and itl_mean when the
// trace records chunk counts.
Measurement read_trace_v2_observed(const std::string& trace_header_path);
// The same on a trace already loaded (its header_path / data_path name it in messages).
Measurement observed_from_trace(const workload::TraceV2& trace);

}  // namespace blis::fit
