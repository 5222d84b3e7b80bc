#include "bindings/run_flags.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <string_view>
#include <variant>

#include "engine/core/go_strconv.h"
#include "bindings/lua_source.h"
#include "engine/core/corrections.h"
#include "engine/core/error.h"

namespace blis::bindings {

namespace go = core::go;

namespace {

enum class FlagType { kString, kInt, kFloat, kFloatList, kBool };

// Where a flag's value goes in the scenario table.
enum class Target {
  kScenario,  // `key` is a path in the scenario table
  kWorkload,  // `key` is a path in the workload table, for the kinds in `kinds`
  kFrontEnd,  // read by this parser itself (--workload, --print-scenario, ...)
};

// Workload kinds a workload flag applies to. The reference ignores the length flags for presets
// and traces, and --rate for traces and specs; they are left out of those tables likewise.
constexpr unsigned kDistribution = 1, kPreset = 2, kSpec = 4;

struct FlagDef {
  const char* name;
  FlagType type;
  Target target;
  const char* key;
  unsigned kinds;
  const char* default_text;  // as the reference documents it; for --help only
  const char* help;
};

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
    {"print-scenario", FlagType::kBool, Target::kFrontEnd, "", 0, "false",
     "print the equivalent Lua scenario (run it with: blis <file>) and exit"},
    {"help", FlagType::kBool, Target::kFrontEnd, "", 0, "false", "help for run"},
};

const FlagDef* find_flag(std::string_view name) {
  for (const FlagDef& flag : kFlags) {
    if (name == flag.name) return &flag;
  }
  return nullptr;
}

using Value = std::variant<std::string, int64_t, double, std::vector<double>, bool>;

[[noreturn]] void invalid_argument(std::string_view value, const FlagDef& flag, const std::string& why) {
  throw Error(fmt::format("invalid argument {} for {} flag: {}", go::quote(value),
                          go::quote(std::string("--") + flag.name), why));
}

// pflag's Value.Set for each flag type.
void set_flag(std::map<std::string, Value>& values, const FlagDef& flag, std::string_view text) {
  switch (flag.type) {
    case FlagType::kString:
      values[flag.name] = std::string(text);
      return;
    case FlagType::kInt: {
      int64_t v = 0;
      if (const auto e = go::parse_int(text, v); e != go::NumError::kNone) {
        invalid_argument(text, flag, go::num_error_text("ParseInt", text, e));
      }
      values[flag.name] = v;
      return;
    }
    case FlagType::kFloat: {
      double v = 0;
      if (const auto e = go::parse_float(text, v); e != go::NumError::kNone) {
        invalid_argument(text, flag, go::num_error_text("ParseFloat", text, e));
      }
      values[flag.name] = v;
      return;
    }
    case FlagType::kBool: {
      bool v = false;
      if (const auto e = go::parse_bool(text, v); e != go::NumError::kNone) {
        invalid_argument(text, flag, go::num_error_text("ParseBool", text, e));
      }
      values[flag.name] = v;
      return;
    }
    case FlagType::kFloatList: {
      // strings.Split(value, ","), no trimming; the first occurrence replaces the default and
      // later ones append (pflag float64SliceValue.Set).
      std::vector<double> parsed;
      std::size_t start = 0;
      while (true) {
        const std::size_t comma = text.find(',', start);
        const std::string_view item = text.substr(start, comma == std::string_view::npos ? comma : comma - start);
        double v = 0;
        if (const auto e = go::parse_float(item, v); e != go::NumError::kNone) {
          invalid_argument(text, flag, go::num_error_text("ParseFloat", item, e));
        }
        parsed.push_back(v);
        if (comma == std::string_view::npos) break;
        start = comma + 1;
      }
      auto it = values.find(flag.name);
      if (it == values.end()) {
        values[flag.name] = std::move(parsed);
      } else {
        auto& list = std::get<std::vector<double>>(it->second);
        list.insert(list.end(), parsed.begin(), parsed.end());
      }
      return;
    }
  }
}

std::string literal(const Value& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) return lua_string_literal(v);
        else if constexpr (std::is_same_v<T, int64_t>) return lua_integer_literal(v);
        else if constexpr (std::is_same_v<T, double>) return lua_number_literal(v);
        else if constexpr (std::is_same_v<T, bool>) return v ? "true" : "false";
        else return lua_number_list_literal(v);
      },
      value);
}

const std::string* string_value(const std::map<std::string, Value>& values, const char* name) {
  const auto it = values.find(name);
  return it == values.end() ? nullptr : &std::get<std::string>(it->second);
}

// The mode without --compat: the reference's, so that `blis run` reproduces Go BLIS, except with
// a latency model the reference does not have (physics, profiled): there is no reference behaviour
// to reproduce, and its users plan real deployments, so they get the corrected engine.
std::string default_compat_mode(const std::map<std::string, Value>& values) {
  const std::string* model = string_value(values, "latency-model");
  return model != nullptr && (*model == "physics" || *model == "profiled") ? "corrected" : "reference";
}

// The switches --compat and --correction ask for (what add_compat writes into the scenario).
// Lenient: a malformed --compat or --correction is add_compat's error to report.
core::Corrections requested_corrections(const std::map<std::string, Value>& values) {
  const std::string* mode = string_value(values, "compat");
  const std::string mode_text = mode != nullptr ? *mode : default_compat_mode(values);
  core::Corrections c = core::Corrections::for_mode(mode_text == "corrected" ? core::CompatMode::Corrected
                                                                              : core::CompatMode::Reference);
  const std::string* list = string_value(values, "correction");
  std::string_view rest = list != nullptr ? std::string_view(*list) : std::string_view();
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    if (bool* flag = c.find(item.substr(0, eq))) *flag = item.substr(eq + 1) == "on";
  }
  return c;
}

// The workload table (cluster-workload-trace §D.1, §D.3): --workload-spec wins over --workload;
// "distribution" and "traces" are kinds; any other --workload value names a preset, which the
// resolver checks.
void add_workload(LuaTableSource& scenario, const std::map<std::string, Value>& values) {
  const std::string* spec_path = string_value(values, "workload-spec");
  const std::string* selected = string_value(values, "workload");
  const std::string* traces_path = string_value(values, "workload-traces-filepath");
  const std::string* trace_v2_path = string_value(values, "workload-trace");
  const std::string* trace_v2_data = string_value(values, "workload-trace-data");
  const std::string workload = selected != nullptr ? *selected : "distribution";
  // NOTE (NOTE 20, §D.1): the reference checks this even when --workload-spec takes precedence.
  // Corrected (workload_spec_over_traces): the spec is what runs, so a missing trace path is no error.
  if (workload == "traces" && (traces_path == nullptr || traces_path->empty())) {
    const bool spec_given = spec_path != nullptr && !spec_path->empty();
    if (!spec_given || !requested_corrections(values).workload_spec_over_traces) {
      throw Error("--workload traces requires --workload-traces-filepath");
    }
  }
  if (trace_v2_data != nullptr && (trace_v2_path == nullptr || trace_v2_path->empty())) {
    throw Error("--workload-trace-data needs --workload-trace (the trace's header YAML)");
  }
  const std::string* ip_path = string_value(values, "workload-inference-perf");
  if (ip_path != nullptr) {
    // A new input, not a reference behaviour: it runs the same under both --compat modes.
    if (ip_path->empty()) throw Error("--workload-inference-perf needs a config file");
    for (const char* other : {"workload-spec", "workload-trace", "workload-trace-data", "workload-traces-filepath",
                              "workload"}) {
      if (values.count(other) != 0) {
        throw Error(fmt::format("give either --workload-inference-perf or --{}, not both", other));
      }
    }
    // The config file sets the rates and lengths: a distribution flag would be silently unused.
    for (const FlagDef& flag : kFlags) {
      if (flag.target == Target::kWorkload && std::string_view(flag.name) != "num-requests" &&
          values.count(flag.name) != 0) {
        throw Error(fmt::format("--{} does not apply to --workload-inference-perf: the config file's load.stages and "
                                "data.shared_prefix set the rates and lengths",
                                flag.name));
      }
    }
    LuaTableSource table("blis.workload.inference_perf");
    table.set("path", lua_string_literal(*ip_path));
    if (const auto it = values.find("num-requests"); it != values.end()) table.set("requests", literal(it->second));
    scenario.set_table("workload", std::move(table));
    return;
  }
  if (trace_v2_path != nullptr && !trace_v2_path->empty()) {
    if (spec_path != nullptr && !spec_path->empty()) {
      throw Error("give either --workload-spec or --workload-trace, not both");
    }
    LuaTableSource table("blis.workload.trace_v2");
    table.set("path", lua_string_literal(*trace_v2_path));
    if (trace_v2_data != nullptr) table.set("data", lua_string_literal(*trace_v2_data));
    scenario.set_table("workload", std::move(table));
    return;
  }
  std::string kind = "preset";
  unsigned kind_bit = kPreset;
  const std::string* path = nullptr;
  if (spec_path != nullptr && !spec_path->empty()) {
    kind = "spec";
    kind_bit = kSpec;
    path = spec_path;
  } else if (workload == "distribution") {
    kind = "distribution";
    kind_bit = kDistribution;
  } else if (workload == "traces") {
    kind = "csv_trace";
    kind_bit = 0;
    path = traces_path;
  }
  LuaTableSource table("blis.workload." + kind);
  if (path != nullptr) table.set("path", lua_string_literal(*path));
  if (kind == "preset") table.set("name", lua_string_literal(workload));
  for (const FlagDef& flag : kFlags) {
    if (flag.target != Target::kWorkload || (flag.kinds & kind_bit) == 0) continue;
    if (const auto it = values.find(flag.name); it != values.end()) table.set(flag.key, literal(it->second));
  }
  // The default workload with nothing given stays out of the table: absent means "not given".
  if (kind == "distribution" && selected == nullptr && table.empty()) return;
  scenario.set_table("workload", std::move(table));
}

// compat: `blis run` reproduces the reference unless told otherwise (its users compare against Go
// BLIS; default_compat_mode), so the mode is always written into the scenario; --correction
// NAME=on|off,... adds single switches on top of it.
void add_compat(LuaTableSource& scenario, const std::map<std::string, Value>& values) {
  const std::string* mode = string_value(values, "compat");
  const std::string mode_text = mode != nullptr ? *mode : default_compat_mode(values);
  if (mode_text != "reference" && mode_text != "corrected") {
    throw Error(fmt::format("invalid argument {} for \"--compat\" flag: must be reference or corrected",
                            go::quote(mode_text)));
  }
  const std::string* list = string_value(values, "correction");
  if (list == nullptr || list->empty()) {
    scenario.set("compat", lua_string_literal(mode_text));
    return;
  }
  LuaTableSource table;
  table.set("mode", lua_string_literal(mode_text));
  std::string_view rest = *list;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    const std::size_t eq = item.find('=');
    const std::string_view name = item.substr(0, eq);
    const std::string_view state = eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
    if (name.empty() || (state != "on" && state != "off")) {
      throw Error(fmt::format("invalid argument {} for \"--correction\" flag: expected NAME=on or NAME=off, got {}",
                              go::quote(*list), go::quote(item)));
    }
    core::Corrections probe;
    if (probe.find(name) == nullptr) {
      throw Error(fmt::format("invalid argument {} for \"--correction\" flag: unknown correction {} "
                              "(blis corrections lists them)", go::quote(*list), go::quote(name)));
    }
    table.set(name, state == "on" ? "true" : "false");
  }
  scenario.set_table("compat", std::move(table));
}

}  // namespace

RunCommand parse_run_flags(const std::vector<std::string>& args) {
  RunCommand command;
  std::map<std::string, Value> values;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.size() < 2 || arg[0] != '-') {
      command.ignored_arguments.push_back(arg);
      continue;
    }
    if (arg == "--") {  // everything after it is an argument
      command.ignored_arguments.insert(command.ignored_arguments.end(), args.begin() + static_cast<long>(i) + 1,
                                       args.end());
      break;
    }
    if (arg[1] != '-') {
      // Shorthand flags: the only one `run` has is cobra's -h.
      for (std::size_t k = 1; k < arg.size(); ++k) {
        if (arg[k] != 'h') throw Error(fmt::format("unknown shorthand flag: '{}' in {}", arg[k], arg));
        values["help"] = true;
      }
      continue;
    }
    const std::string_view body = std::string_view(arg).substr(2);
    if (body.empty() || body[0] == '-' || body[0] == '=') throw Error("bad flag syntax: " + arg);
    const auto eq = body.find('=');
    const std::string_view name = body.substr(0, eq);
    const FlagDef* flag = find_flag(name);
    if (flag == nullptr) throw Error(fmt::format("unknown flag: --{}", name));
    std::string_view text;
    if (eq != std::string_view::npos) {
      text = body.substr(eq + 1);
    } else if (flag->type == FlagType::kBool) {
      text = "true";  // pflag's NoOptDefVal: a bare boolean flag never takes the next argument
    } else if (i + 1 < args.size()) {
      text = args[++i];  // even when it looks like a flag, as pflag does
    } else {
      throw Error("flag needs an argument: " + arg);
    }
    set_flag(values, *flag, text);
  }

  const auto flag_is_true = [&](const char* name) {
    const auto it = values.find(name);
    return it != values.end() && std::get<bool>(it->second);
  };
  command.help = flag_is_true("help");
  command.print_scenario = flag_is_true("print-scenario");
  if (command.help) return command;

  LuaTableSource scenario("blis.scenario");
  for (const FlagDef& flag : kFlags) {
    if (flag.target != Target::kScenario) continue;
    if (const auto it = values.find(flag.name); it != values.end()) scenario.set(flag.key, literal(it->second));
  }
  add_workload(scenario, values);
  add_compat(scenario, values);
  command.scenario_source =
      "-- generated by blis run; run it with: blis <this file>\nreturn " + scenario.render() + "\n";
  return command;
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
