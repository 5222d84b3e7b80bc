#include "bindings/run_flags.h"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <optional>

#include "engine/core/error.h"
#include "engine/core/go_parse.h"

namespace blis::bindings {

namespace {

enum class FlagType { String, Int, Float, FloatList, Bool };

struct Flag {
  const char* name;
  FlagType type;
  const char* key;  // scenario key path ("" = handled specially)
  const char* help;
};

// Every flag of the reference's `run` command, with the scenario key it sets.
const Flag kFlags[] = {
    {"model", FlagType::String, "model.name", "LLM name (required)"},
    {"hardware", FlagType::String, "model.gpu", "GPU type (default from defaults.yaml)"},
    {"tp", FlagType::Int, "model.tp", "tensor parallelism (default from defaults.yaml)"},
    {"vllm-version", FlagType::String, "model.vllm_version", "vLLM version (default from defaults.yaml)"},
    {"alpha-coeffs", FlagType::FloatList, "model.alpha", "alpha coefficients, comma separated"},
    {"beta-coeffs", FlagType::FloatList, "model.beta", "beta coefficients, comma separated"},
    {"model-config-folder", FlagType::String, "model.config_folder", "folder with the HuggingFace config.json (roofline)"},
    {"hardware-config", FlagType::String, "model.hardware_config", "hardware JSON file (roofline)"},
    {"seed", FlagType::Int, "seed", "random seed (default 42)"},
    {"horizon", FlagType::Int, "horizon_us", "simulation horizon in ticks (µs)"},
    {"log", FlagType::String, "log", "log level: trace, debug, info, warn, error, fatal, panic"},
    {"defaults-filepath", FlagType::String, "defaults_file", "defaults.yaml path"},
    {"results-path", FlagType::String, "results_path", "write the results JSON (with per-request records) here"},
    {"fitness-weights", FlagType::String, "fitness_weights", "fitness weights, e.g. throughput:0.5,p99_ttft:0.5"},
    {"num-instances", FlagType::Int, "instances", "number of instances"},
    {"total-kv-blocks", FlagType::Int, "engine.kv_blocks", "KV blocks per instance"},
    {"block-size-in-tokens", FlagType::Int, "engine.block_size_tokens", "tokens per KV block"},
    {"max-num-running-reqs", FlagType::Int, "engine.max_running", "max running requests per instance"},
    {"max-num-scheduled-tokens", FlagType::Int, "engine.max_batched_tokens", "token budget per step"},
    {"long-prefill-token-threshold", FlagType::Int, "engine.long_prefill_threshold", "prefill chunk cap (0 = off)"},
    {"max-model-len", FlagType::Int, "engine.max_model_len", "accepted and unused, as in the reference"},
    {"scheduler", FlagType::String, "engine.scheduler", "fcfs, priority-fcfs, sjf, reverse-priority"},
    {"priority-policy", FlagType::String, "engine.priority", "constant, slo-based, inverted-slo"},
    {"kv-cpu-blocks", FlagType::Int, "engine.kv_cpu_blocks", "CPU-tier KV blocks (0 = single tier)"},
    {"kv-offload-threshold", FlagType::Float, "engine.kv_offload_threshold", "GPU usage above which blocks offload"},
    {"kv-transfer-bandwidth", FlagType::Float, "engine.kv_transfer_bandwidth", "blocks per tick"},
    {"kv-transfer-base-latency", FlagType::Int, "engine.kv_transfer_base_latency_us", "ticks per reload"},
    {"workload", FlagType::String, "", "distribution, traces, chatbot, summarization, contentgen, multidoc"},
    {"workload-traces-filepath", FlagType::String, "", "CSV trace for --workload traces"},
    {"workload-spec", FlagType::String, "", "workload spec YAML (overrides --workload)"},
    {"rate", FlagType::Float, "workload.rate", "requests per second"},
    {"num-requests", FlagType::Int, "workload.requests", "number of requests"},
    {"prefix-tokens", FlagType::Int, "workload.prefix_tokens", "shared prefix length"},
    {"prompt-tokens", FlagType::Int, "workload.prompt_tokens.mean", "prompt length mean"},
    {"prompt-tokens-stdev", FlagType::Int, "workload.prompt_tokens.std", "prompt length stdev"},
    {"prompt-tokens-min", FlagType::Int, "workload.prompt_tokens.min", "prompt length min"},
    {"prompt-tokens-max", FlagType::Int, "workload.prompt_tokens.max", "prompt length max"},
    {"output-tokens", FlagType::Int, "workload.output_tokens.mean", "output length mean"},
    {"output-tokens-stdev", FlagType::Int, "workload.output_tokens.std", "output length stdev"},
    {"output-tokens-min", FlagType::Int, "workload.output_tokens.min", "output length min"},
    {"output-tokens-max", FlagType::Int, "workload.output_tokens.max", "output length max"},
    {"admission-policy", FlagType::String, "admission.policy", "always-admit, reject-all, token-bucket"},
    {"admission-latency", FlagType::Int, "admission.latency_us", "ticks from arrival to admission"},
    {"token-bucket-capacity", FlagType::Float, "admission.capacity", "token bucket capacity"},
    {"token-bucket-refill-rate", FlagType::Float, "admission.refill_per_s", "token bucket refill per second"},
    {"routing-policy", FlagType::String, "routing.policy", "round-robin, least-loaded, weighted, prefix-affinity, always-busiest"},
    {"routing-scorers", FlagType::String, "routing.scorers", "weighted scorers, e.g. queue-depth:1,load-balance:1"},
    {"routing-latency", FlagType::Int, "routing.latency_us", "ticks from admission to routing"},
    {"snapshot-refresh-interval", FlagType::Int, "routing.snapshot_refresh_us", "snapshot staleness in ticks"},
    {"policy-config", FlagType::String, "policy_config", "policy bundle YAML"},
    {"trace-level", FlagType::String, "trace.level", "none or decisions"},
    {"counterfactual-k", FlagType::Int, "trace.counterfactual_k", "counterfactual candidates per decision"},
    {"summarize-trace", FlagType::Bool, "trace.summarize", "print the decision-trace summary"},
};

const Flag* find_flag(const std::string& name) {
  for (const Flag& f : kFlags) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

std::string lua_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\{:03d}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string lua_number(double v) {
  if (std::isnan(v)) return "0/0";
  if (std::isinf(v)) return v > 0 ? "math.huge" : "-math.huge";
  return fmt::format("{}", v);  // shortest round-trip representation
}

std::string lua_integer(int64_t v) {
  // Lua numbers are doubles: beyond 2^53 the exact value travels as a decimal string.
  if (v > (int64_t{1} << 53) || v < -(int64_t{1} << 53)) return lua_string(std::to_string(v));
  return std::to_string(v);
}

// A nested table under construction: key path -> Lua expression, emitted in a fixed order.
struct Node {
  std::map<std::string, Node> children;
  std::optional<std::string> value;
  std::string builder;  // e.g. "blis.workload.distribution" wrapping this table

  void set(const std::string& path, std::string v) {
    const auto dot = path.find('.');
    if (dot == std::string::npos) {
      children[path].value = std::move(v);
    } else {
      children[path.substr(0, dot)].set(path.substr(dot + 1), std::move(v));
    }
  }

  std::string render(int indent) const {
    const std::string pad(static_cast<size_t>(indent + 2), ' ');
    std::string out = builder + "{\n";
    for (const auto& [key, child] : children) {
      out += pad + key + " = " + (child.value ? *child.value : child.render(indent + 2)) + ",\n";
    }
    return out + std::string(static_cast<size_t>(indent), ' ') + "}";
  }
};

}  // namespace

RunCommand parse_run_flags(const std::vector<std::string>& args) {
  RunCommand command;
  Node scenario;
  scenario.builder = "blis.scenario";
  std::map<std::string, std::vector<double>> lists;
  std::optional<std::string> workload, traces_path, spec_path;
  std::map<std::string, std::string> workload_values;  // key path under workload -> expression

  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--print-scenario") {
      command.print_scenario = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      command.help = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0 || arg.size() == 2) {
      throw Error(fmt::format("unexpected argument \"{}\" (flags are written --name value)", arg));
    }
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (const auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const Flag* flag = find_flag(name);
    if (flag == nullptr) throw Error(fmt::format("unknown flag: --{}", name));
    if (flag->type == FlagType::Bool) {
      bool b = true;
      if (value) {
        if (*value == "true" || *value == "1" || *value == "t" || *value == "T" || *value == "TRUE" || *value == "True") b = true;
        else if (*value == "false" || *value == "0" || *value == "f" || *value == "F" || *value == "FALSE" || *value == "False") b = false;
        else throw Error(fmt::format("invalid argument \"{}\" for \"--{}\" flag: strconv.ParseBool: parsing \"{}\": invalid syntax", *value, name, *value));
      }
      scenario.set(flag->key, b ? "true" : "false");
      continue;
    }
    if (!value) {
      if (i + 1 >= args.size()) throw Error(fmt::format("flag needs an argument: --{}", name));
      value = args[++i];
    }
    auto invalid = [&](const char* parser) {
      return Error(fmt::format("invalid argument \"{}\" for \"--{}\" flag: {}: parsing \"{}\": invalid syntax", *value,
                               name, parser, *value));
    };
    std::string expression;
    switch (flag->type) {
      case FlagType::String:
        expression = lua_string(*value);
        break;
      case FlagType::Int: {
        int64_t v = 0;
        if (!core::parse_go_int(*value, 0, v)) throw invalid("strconv.ParseInt");
        expression = lua_integer(v);
        break;
      }
      case FlagType::Float: {
        double v = 0;
        if (!core::parse_go_float(*value, v)) throw invalid("strconv.ParseFloat");
        expression = lua_number(v);
        break;
      }
      case FlagType::FloatList: {
        // pflag: split on ',' without trimming; repeated flags append.
        size_t start = 0;
        while (true) {
          const size_t comma = value->find(',', start);
          const std::string item = value->substr(start, comma == std::string::npos ? std::string::npos : comma - start);
          double v = 0;
          if (!core::parse_go_float(item, v)) {
            throw Error(fmt::format("invalid argument \"{}\" for \"--{}\" flag: strconv.ParseFloat: parsing \"{}\": "
                                    "invalid syntax", *value, name, item));
          }
          lists[flag->key].push_back(v);
          if (comma == std::string::npos) break;
          start = comma + 1;
        }
        continue;
      }
      case FlagType::Bool:
        break;
    }
    if (name == "workload") workload = *value;
    else if (name == "workload-traces-filepath") traces_path = *value;
    else if (name == "workload-spec") spec_path = *value;
    else if (std::string(flag->key).rfind("workload.", 0) == 0) workload_values[std::string(flag->key).substr(9)] = expression;
    else scenario.set(flag->key, expression);  // a repeated scalar flag: the last one wins
  }
  for (const auto& [key, values] : lists) {
    std::string expression = "{ ";
    for (size_t i = 0; i < values.size(); ++i) expression += (i ? ", " : "") + lua_number(values[i]);
    scenario.set(key, expression + " }");
  }

  // --workload picks the generator; only the flags that generator reads go into its table.
  Node& w = scenario.children["workload"];
  const std::string kind = workload.value_or("distribution");
  if (spec_path) {
    if (kind == "traces" && !traces_path) throw Error("--workload traces requires --workload-traces-filepath");
    w.builder = "blis.workload.spec";
    w.set("path", lua_string(*spec_path));
  } else if (kind == "traces") {
    if (!traces_path) throw Error("--workload traces requires --workload-traces-filepath");
    w.builder = "blis.workload.csv_trace";
    w.set("path", lua_string(*traces_path));
  } else if (kind == "distribution") {
    w.builder = "blis.workload.distribution";
    for (const auto& [key, expression] : workload_values) w.set(key, expression);
  } else {
    w.builder = "blis.workload.preset";
    w.set("name", lua_string(kind));
    for (const auto& [key, expression] : workload_values) {
      if (key == "rate" || key == "requests") w.set(key, expression);
    }
  }
  command.scenario_source = "-- generated by blis run; run it with: blis <this file>\nreturn " + scenario.render(0) + "\n";
  return command;
}

std::string run_flags_help() {
  std::string out = "usage: blis run [flags]   (the reference's flags; see docs/user-guide.md)\n\n";
  for (const Flag& f : kFlags) out += fmt::format("  --{:<30} {}\n", f.name, f.help);
  out += fmt::format("  --{:<30} {}\n", "print-scenario", "print the equivalent Lua scenario and exit");
  return out;
}

}  // namespace blis::bindings
