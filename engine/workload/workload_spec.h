// WorkloadSpec YAML (cluster-workload-trace §D.2): clients with arrival processes, length
// distributions, prefix groups, lifecycle windows, multimodal and multi-turn reasoning blocks,
// plus the ServeGen (§D.14) and inference-perf (§D.15) forms. Loaded strictly (yaml.v3 with
// known fields): an unknown or repeated key, or a value of the wrong type, is an error naming
// the file, the line and the key path.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/workload/length_sampler.h"

namespace blis::workload {

struct ArrivalSpec {
  std::string process;        // poisson | gamma | weibull
  std::optional<double> cv;   // absent: 1.0
};

struct LifecycleWindow {
  int64_t start_us = 0, end_us = 0;  // active for start <= t < end
};

struct MultimodalSpec {
  DistSpec text, image, image_count, audio, audio_count, video, video_count;
};

struct MultiTurnSpec {
  int64_t max_rounds = 0;
  int64_t think_time_us = 0;
  std::string context_growth;  // "accumulate" grows the context; anything else does not
};

struct ReasoningSpec {
  DistSpec reason_ratio;
  std::optional<MultiTurnSpec> multi_turn;  // without it the whole block is ignored (NOTE)
};

struct NetworkSpec {
  double rtt_ms = 0, bandwidth_mbps = 0;  // parsed, unused by generation (§D.12)
};

struct ClientSpec {
  std::string id, tenant_id, slo_class;
  double rate_fraction = 0;
  ArrivalSpec arrival;
  DistSpec input, output;
  std::string prefix_group;
  int64_t prefix_length = 0;  // 0: the default 50
  bool streaming = false;
  std::optional<NetworkSpec> network;
  std::optional<std::vector<LifecycleWindow>> lifecycle;  // present (even empty) = windows apply
  std::optional<MultimodalSpec> multimodal;
  std::optional<ReasoningSpec> reasoning;
};

struct ServeGenSpec {
  std::string path;
  int64_t span_start = 0, span_end = 0;  // seconds; 0 = unbounded
};

struct InferencePerfStage {
  double rate = 0;      // req/s
  int64_t duration = 0;  // whole seconds (the reference's field is an int64; a float truncates)
};

struct SharedPrefixSpec {
  int64_t num_unique_system_prompts = 0, num_users_per_system_prompt = 0;
  int64_t system_prompt_len = 0, question_len = 0, output_len = 0;
  bool enable_multi_turn_chat = false;
};

struct InferencePerfSpec {
  std::vector<InferencePerfStage> stages;
  std::optional<SharedPrefixSpec> shared_prefix;
  // The harness's pause between stages (`load.interval`, default 1.0 s). Only an inference-perf
  // config file sets it (engine/workload/inference_perf/config_file.h); the compact block keeps
  // the default.
  int64_t interval_us = 1'000'000;
  // `load.type: poisson` (config files only): per-second Poisson counts (poisson_timer.h).
  bool poisson = false;
};

struct WorkloadSpecFile {
  std::string origin;  // the file path, or "scenario" for an inline table
  std::string base_dir;  // the spec file's directory (relative `file` keys start there); "" inline
  std::string version, category;
  int64_t seed = 0;
  std::vector<ClientSpec> clients;
  double aggregate_rate = 0;
  int64_t horizon = 0;
  int64_t num_requests = 0;
  std::optional<ServeGenSpec> servegen_data;
  std::optional<InferencePerfSpec> inference_perf;
};

// Throws blis::Error "reading workload spec: ..." / "parsing workload spec: <file>: line N: ..."
// (an empty or comment-only file is "parsing workload spec: EOF").
WorkloadSpecFile load_workload_spec(const std::string& path);
// The same from YAML text (tests, inline specs); `origin` names it in messages.
WorkloadSpecFile parse_workload_spec(const std::string& text, const std::string& origin);
// The same from a YAML document already built (a scenario's inline table, converted by the
// loader): one reader, so a table and a file are held to the same rules.
WorkloadSpecFile workload_spec_from_node(const YAML::Node& root, const std::string& origin);

// Validate() (§D.2): the first failure, with the reference's text.
void validate_workload_spec(const WorkloadSpecFile& spec);

}  // namespace blis::workload
