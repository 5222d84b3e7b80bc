#include "bindings/run_flag_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "bindings/run_flags.h"

namespace blis::bindings {

namespace {

// Every flag of the reference's `run` command (engine-core §8.1, cluster-workload-trace §G), in
// that table's order, then blis's own (trace v2 replay and export, --print-scenario) and
// cobra's --help.
constexpr FlagDef kFlags[] = {
    {"model", FlagType::kString, Target::kScenario, "model.name", 0, "", "LLM name (required)"},
    {"hardware", FlagType::kString, Target::kScenario, "model.gpu", 0, "",
     "GPU type; from the defaults file when empty"},
    {"tp", FlagType::kInt, Target::kScenario, "model.tp", 0, "0", "tensor parallelism; from the defaults file when 0"},
    {"vllm-version", FlagType::kString, Target::kScenario, "model.vllm_version", 0, "",
     "vLLM version; from the defaults file when empty"},
    {"seed", FlagType::kInt, Target::kScenario, "seed", 0, "42", "random seed"},
    {"horizon", FlagType::kInt, Target::kScenario, "horizon_us", 0, "9223372036854775807",
     "simulation horizon in ticks (microseconds)"},
    {"log", FlagType::kString, Target::kScenario, "log", 0, "warn",
     "log level: trace, debug, info, warn, error, fatal, panic"},
    {"defaults-filepath", FlagType::kString, Target::kScenario, "defaults_file", 0, "defaults.yaml",
     "defaults file: trained coefficients and workload presets"},
    {"model-config-folder", FlagType::kString, Target::kScenario, "model.config_folder", 0, "",
     "folder holding the model's config.json (roofline model)"},
    {"hardware-config", FlagType::kString, Target::kScenario, "model.hardware_config", 0, "",
     "hardware specification JSON (roofline model)"},
    {"profile", FlagType::kString, Target::kScenario, "latency.profile", 0, "",
     "layer-wise kernel profile directory <dtype>/tp<N> (profiled latency model)"},
    {"alpha-coeffs", FlagType::kFloatList, Target::kScenario, "model.alpha", 0, "0,0,0",
     "alpha coefficients, comma-separated; repeated flags append"},
    {"beta-coeffs", FlagType::kFloatList, Target::kScenario, "model.beta", 0, "0,0,0",
     "beta coefficients, comma-separated; repeated flags append"},
    {"total-kv-blocks", FlagType::kInt, Target::kScenario, "engine.kv_blocks", 0, "1000000",
     "KV-cache blocks per instance; from the defaults file unless given"},
    {"block-size-in-tokens", FlagType::kInt, Target::kScenario, "engine.block_size_tokens", 0, "16",
     "tokens per KV block"},
    {"max-num-running-reqs", FlagType::kInt, Target::kScenario, "engine.max_running", 0, "256",
     "maximum number of running requests"},
    {"max-num-scheduled-tokens", FlagType::kInt, Target::kScenario, "engine.max_batched_tokens", 0, "2048",
     "token budget per step"},
    {"long-prefill-token-threshold", FlagType::kInt, Target::kScenario, "engine.long_prefill_threshold", 0, "0",
     "cap on prefill tokens per chunk (0 = no cap)"},
    {"max-model-len", FlagType::kInt, Target::kScenario, "engine.max_model_len", 0, "2048",
     "unused in reference mode; corrected mode drops longer requests when given"},
    {"workload", FlagType::kString, Target::kFrontEnd, "", 0, "distribution",
     "distribution, traces, or a preset: chatbot, summarization, contentgen, multidoc"},
    {"workload-traces-filepath", FlagType::kString, Target::kFrontEnd, "", 0, "", "CSV trace for --workload traces"},
    {"workload-spec", FlagType::kString, Target::kFrontEnd, "", 0, "", "WorkloadSpec YAML; overrides --workload"},
    {"workload-inference-perf", FlagType::kString, Target::kFrontEnd, "", 0, "",
     "an inference-perf config file, run as the harness runs it"},
    {"rate", FlagType::kFloat, Target::kWorkload, "rate", kDistribution | kPreset, "1",
     "requests per second (distribution and presets)"},
    {"num-requests", FlagType::kInt, Target::kWorkload, "requests", kDistribution | kPreset | kSpec, "100",
     "number of requests"},
    {"prefix-tokens", FlagType::kInt, Target::kWorkload, "prefix_tokens", kDistribution, "0",
     "shared prefix length (distribution)"},
    {"prompt-tokens", FlagType::kInt, Target::kWorkload, "prompt_tokens.mean", kDistribution, "512",
     "mean prompt length (distribution)"},
    {"prompt-tokens-stdev", FlagType::kInt, Target::kWorkload, "prompt_tokens.std", kDistribution, "256",
     "prompt length standard deviation (distribution)"},
    {"prompt-tokens-min", FlagType::kInt, Target::kWorkload, "prompt_tokens.min", kDistribution, "2",
     "minimum prompt length (distribution)"},
    {"prompt-tokens-max", FlagType::kInt, Target::kWorkload, "prompt_tokens.max", kDistribution, "7000",
     "maximum prompt length (distribution)"},
    {"output-tokens", FlagType::kInt, Target::kWorkload, "output_tokens.mean", kDistribution, "512",
     "mean output length (distribution)"},
    {"output-tokens-stdev", FlagType::kInt, Target::kWorkload, "output_tokens.std", kDistribution, "256",
     "output length standard deviation (distribution)"},
    {"output-tokens-min", FlagType::kInt, Target::kWorkload, "output_tokens.min", kDistribution, "2",
     "minimum output length (distribution)"},
    {"output-tokens-max", FlagType::kInt, Target::kWorkload, "output_tokens.max", kDistribution, "7000",
     "maximum output length (distribution)"},
    {"priority-policy", FlagType::kString, Target::kScenario, "engine.priority", 0, "constant",
     "instance priority policy"},
    {"scheduler", FlagType::kString, Target::kScenario, "engine.scheduler", 0, "fcfs",
     "instance scheduler: fcfs, priority-fcfs, reverse-priority, sjf"},
    {"kv-cpu-blocks", FlagType::kInt, Target::kScenario, "engine.kv_cpu_blocks", 0, "0",
     "CPU-tier KV blocks (0 = single tier)"},
    {"kv-offload-threshold", FlagType::kFloat, Target::kScenario, "engine.kv_offload_threshold", 0, "0.9",
     "GPU KV utilization above which blocks are offloaded"},
    {"kv-transfer-bandwidth", FlagType::kFloat, Target::kScenario, "engine.kv_transfer_bandwidth", 0, "100",
     "GPU<->CPU transfer bandwidth in blocks per tick"},
    {"kv-transfer-base-latency", FlagType::kInt, Target::kScenario, "engine.kv_transfer_base_latency_us", 0, "0",
     "fixed transfer latency in ticks"},
    {"results-path", FlagType::kString, Target::kScenario, "results_path", 0, "", "write the results JSON here"},
    {"num-instances", FlagType::kInt, Target::kScenario, "instances", 0, "1", "number of instances"},
    {"admission-policy", FlagType::kString, Target::kScenario, "admission.policy", 0, "always-admit",
     "always-admit, reject-all, token-bucket"},
    {"admission-latency", FlagType::kInt, Target::kScenario, "admission.latency_us", 0, "0",
     "admission latency in ticks"},
    {"routing-latency", FlagType::kInt, Target::kScenario, "routing.latency_us", 0, "0", "routing latency in ticks"},
    {"token-bucket-capacity", FlagType::kFloat, Target::kScenario, "admission.capacity", 0, "10000",
     "token-bucket capacity"},
    {"token-bucket-refill-rate", FlagType::kFloat, Target::kScenario, "admission.refill_per_s", 0, "1000",
     "token-bucket refill rate in tokens per second"},
    {"routing-policy", FlagType::kString, Target::kScenario, "routing.policy", 0, "round-robin",
     "always-busiest, least-loaded, prefix-affinity, round-robin, weighted"},
    {"routing-scorers", FlagType::kString, Target::kScenario, "routing.scorers", 0, "",
     "scorers of the weighted policy, e.g. queue-depth:1,load-balance:1"},
    {"snapshot-refresh-interval", FlagType::kInt, Target::kScenario, "routing.snapshot_refresh_us", 0, "0",
     "router snapshot refresh interval in ticks"},
    {"policy-config", FlagType::kString, Target::kScenario, "policy_config", 0, "", "policy bundle YAML"},
    {"fitness-weights", FlagType::kString, Target::kScenario, "fitness_weights", 0, "",
     "fitness weights, e.g. throughput:0.5,p99_ttft:0.3"},
    {"trace-level", FlagType::kString, Target::kScenario, "trace.level", 0, "none", "decision trace: none, decisions"},
    {"counterfactual-k", FlagType::kInt, Target::kScenario, "trace.counterfactual_k", 0, "0",
     "counterfactual candidates per decision"},
    {"summarize-trace", FlagType::kBool, Target::kScenario, "trace.summarize", 0, "false",
     "print a summary of the decision trace"},
    // blis's own flags
    {"workload-trace", FlagType::kString, Target::kFrontEnd, "", 0, "",
     "trace v2 header YAML to replay (blis); overrides --workload"},
    {"workload-trace-data", FlagType::kString, Target::kFrontEnd, "", 0, "",
     "trace v2 data CSV (default: the header's name with .csv)"},
    {"export-workload", FlagType::kString, Target::kScenario, "export.workload", 0, "",
     "write the run's workload and simulated times as trace v2: this header YAML (blis)"},
    {"export-workload-data", FlagType::kString, Target::kScenario, "export.workload_data", 0, "",
     "the exported trace's data CSV (default: the header's name with .csv)"},
    {"requests-csv", FlagType::kString, Target::kScenario, "export.requests_csv", 0, "",
     "write one CSV row per request: times (ms), tokens, instance, SLO class, tenant, outcome (blis)"},
    {"timeseries", FlagType::kString, Target::kScenario, "export.timeseries", 0, "",
     "write a CSV time series per instance and for the cluster: queue, batch, KV, tokens/s, arrivals (blis)"},
    {"timeseries-interval-us", FlagType::kInt, Target::kScenario, "export.timeseries_interval_us", 0, "1000000",
     "simulated microseconds between time-series samples (blis)"},
    {"html", FlagType::kString, Target::kScenario, "export.html", 0, "",
     "write an HTML report: the tables, latency CDFs, per-instance queue and KV over time, throughput (blis)"},
    {"latency-model", FlagType::kString, Target::kScenario, "latency.model", 0, "",
     "physics (with --hardware, --tp, --dp, --ep) or profiled (with --profile) (blis); default: blackbox or roofline"},
    {"coefficients", FlagType::kString, Target::kScenario, "latency.coefficients", 0,
     "model_configs/physics/default.yaml", "coefficient YAML of the physics latency model (blis)"},
    {"dp", FlagType::kInt, Target::kScenario, "latency.dp", 0, "1",
     "data-parallel ranks of the physics model; one instance is one rank (blis)"},
    {"ep", FlagType::kInt, Target::kScenario, "latency.ep", 0, "1",
     "expert parallelism of the physics model: 1 or tp x dp (blis)"},
    {"gpu-memory-utilization", FlagType::kFloat, Target::kScenario, "engine.gpu_memory_utilization", 0, "0.9",
     "share of GPU memory the derived KV cache is sized from (physics/profiled without --total-kv-blocks) (blis)"},
    {"cpu-offload-gb", FlagType::kFloat, Target::kScenario, "engine.cpu_offload_gb", 0, "0",
     "GiB of weights per GPU kept in host memory and read over the host link every step (physics) (blis)"},
    {"compat", FlagType::kString, Target::kFrontEnd, "", 0, "reference",
     "reference: reproduce Go BLIS exactly, defects included; corrected: fix each reference defect; "
     "the default is corrected with --latency-model physics or profiled, which the reference does not have (blis)"},
    {"correction", FlagType::kString, Target::kFrontEnd, "", 0, "",
     "switch single corrections on top of --compat, e.g. kv_rollback_leak=on,NAME=off (blis corrections lists them)"},
    {"format", FlagType::kString, Target::kFrontEnd, "", 0, "reference",
     "what stdout shows: reference (the Go reference's blocks), human (a readable report) or json (blis)"},
    {"print-scenario", FlagType::kBool, Target::kFrontEnd, "", 0, "false",
     "print the equivalent Lua scenario (run it with: blis <file>) and exit"},
    {"help", FlagType::kBool, Target::kFrontEnd, "", 0, "false", "help for run"},
};

}  // namespace

std::span<const FlagDef> run_flag_table() { return kFlags; }

const FlagDef* find_flag(std::string_view name) {
  for (const FlagDef& flag : kFlags) {
    if (name == flag.name) return &flag;
  }
  return nullptr;
}

std::string run_flags_help() {
  std::vector<const FlagDef*> flags;
  for (const FlagDef& flag : kFlags) flags.push_back(&flag);
  std::sort(flags.begin(), flags.end(), [](const FlagDef* a, const FlagDef* b) {
    return std::string_view(a->name) < std::string_view(b->name);
  });
  const auto type_name = [](FlagType type) -> std::string_view {
    switch (type) {
      case FlagType::kString: return "string";
      case FlagType::kInt: return "int";
      case FlagType::kFloat: return "float";
      case FlagType::kFloatList: return "floats";
      case FlagType::kBool: return "";
    }
    return "";
  };
  std::vector<std::string> lefts;
  std::size_t width = 0;
  for (const FlagDef* flag : flags) {
    std::string left = std::string("--") + flag->name;
    if (!type_name(flag->type).empty()) left += " " + std::string(type_name(flag->type));
    width = std::max(width, left.size());
    lefts.push_back(std::move(left));
  }
  std::string out =
      "usage: blis run [flags]\n\n"
      "The flags of the reference BLIS `run` command. blis turns them into the equivalent Lua\n"
      "scenario (see it with --print-scenario) and runs that like a scenario file.\n\n"
      "flags:\n";
  for (std::size_t i = 0; i < flags.size(); ++i) {
    const FlagDef& flag = *flags[i];
    out += fmt::format("  {:<{}}   {}", lefts[i], width, flag.help);
    const std::string_view default_text = flag.default_text;
    if (flag.type == FlagType::kString && default_text.empty()) {
      // no default worth showing
    } else if (flag.type != FlagType::kBool || default_text != "false") {
      out += fmt::format(" (default {})", default_text);
    }
    out += "\n";
  }
  return out;
}

}  // namespace blis::bindings
