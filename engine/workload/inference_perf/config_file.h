// inference-perf's own config file (`inference-perf -c config.yml`), read as the harness reads
// it, to run as the harness runs it (`blis run --workload-inference-perf FILE`, scenario
// `blis.workload.inference_perf{ path = FILE }`). The schema is the harness's pydantic Config of
// kubernetes-sigs/inference-perf at commit b81afa4 (inference_perf/config.py), the release
// behind the sim2real A_ runs, whose defaults apply to keys left out:
//
// * Read and used: `load.stages[].rate` (float) and `.duration` (whole seconds), `load.type`
//   (constant, stage_timer.h, or poisson, poisson_timer.h),
//   `load.interval` (s, default 1.0), `data.type`, `data.shared_prefix.{num_groups (10),
//   num_prompts_per_group (10), system_prompt_len (100), question_len (50), output_len (50)}`,
//   `api.type`, `server.ignore_eos` (default true).
// * Accepted and ignored, because they do not change what is sent: `api.streaming`, `api.headers`,
//   `data.path`, `data.input_distribution`, `data.output_distribution` (shared_prefix does not
//   read them), `load.num_workers`, `load.worker_max_concurrency`, `load.worker_max_tcp_connections`,
//   `load.circuit_breakers`, `load.request_timeout`, `server.{type, model_name, base_url, api_key}`,
//   and the whole `tokenizer`, `report`, `storage`, `metrics` and `circuit_breakers` sections
//   (their contents are not checked).
// * Rejected with a message naming the key: any other key (pydantic would drop it silently, which
//   is how the A_ profiles' num_unique_system_prompts became the default 10 groups), a data type
//   other than shared_prefix, a `load.sweep`, `api.type: chat` (the
//   harness's shared_prefix generator supports only completion), `server.ignore_eos: false`
//   (output lengths would be the model's choice) and values the harness could not run.
#pragma once

#include <string>

#include "engine/workload/workload_spec.h"

namespace blis::workload::inference_perf {

// Parses `text` (named `origin` in messages) into a spec made only of an inference_perf block,
// checked as the faithful reading needs it. Throws blis::Error "reading inference-perf config
// ORIGIN: line N: ... (at KEY.PATH)", listing every problem found.
WorkloadSpecFile parse_config_file(const std::string& text, const std::string& origin);

// Reads the file at `path` and parses it (errors name the path).
WorkloadSpecFile load_config_file(const std::string& path);

}  // namespace blis::workload::inference_perf
