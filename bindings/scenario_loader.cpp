#include "bindings/scenario_loader.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <fstream>
#include <lua.hpp>
#include <sstream>

#include "engine/core/error.h"
#include "engine/core/go_parse.h"

namespace blis::bindings {

namespace {

// Reads fields of the table on top of the stack, naming key paths in errors.
class TableReader {
 public:
  TableReader(lua_State* L, std::string origin) : L_(L), origin_(std::move(origin)) {}

  [[noreturn]] void fail(const std::string& path, const std::string& what) const {
    throw Error(fmt::format("{}: scenario key '{}' {}", origin_, path, what));
  }

  // Pushes t[key] for the table on top; returns false (and pushes nothing) when nil.
  bool push_field(const char* key) const {
    lua_getfield(L_, -1, key);
    if (lua_isnil(L_, -1)) {
      lua_pop(L_, 1);
      return false;
    }
    return true;
  }

  std::optional<std::string> string(const char* key, const std::string& path) const {
    if (!push_field(key)) return std::nullopt;
    if (lua_type(L_, -1) != LUA_TSTRING) fail(path, "must be a string");
    std::string v = lua_tostring(L_, -1);
    lua_pop(L_, 1);
    return v;
  }

  std::optional<double> number(const char* key, const std::string& path) const {
    if (!push_field(key)) return std::nullopt;
    if (lua_type(L_, -1) != LUA_TNUMBER) fail(path, "must be a number");
    const double v = lua_tonumber(L_, -1);
    lua_pop(L_, 1);
    return v;
  }

  // Integers come as exact Lua numbers or, beyond 2^53, as decimal strings.
  std::optional<int64_t> integer(const char* key, const std::string& path) const {
    if (!push_field(key)) return std::nullopt;
    int64_t out = 0;
    if (lua_type(L_, -1) == LUA_TSTRING) {
      if (!core::parse_go_int(lua_tostring(L_, -1), 10, out)) fail(path, "must be an integer within int64");
    } else if (lua_type(L_, -1) == LUA_TNUMBER) {
      const double v = lua_tonumber(L_, -1);
      if (v != std::floor(v) || !(v >= -9223372036854775808.0 && v < 9223372036854775808.0)) {
        fail(path, fmt::format("must be an integer within int64, got {}", v));
      }
      out = static_cast<int64_t>(v);
    } else {
      fail(path, "must be an integer");
    }
    lua_pop(L_, 1);
    return out;
  }

  std::optional<bool> boolean(const char* key, const std::string& path) const {
    if (!push_field(key)) return std::nullopt;
    if (lua_type(L_, -1) != LUA_TBOOLEAN) fail(path, "must be a boolean");
    const bool v = lua_toboolean(L_, -1) != 0;
    lua_pop(L_, 1);
    return v;
  }

  std::optional<std::vector<double>> numbers(const char* key, const std::string& path) const {
    if (!push_field(key)) return std::nullopt;
    if (lua_type(L_, -1) != LUA_TTABLE) fail(path, "must be a list of numbers");
    std::vector<double> out;
    const auto n = static_cast<int>(lua_objlen(L_, -1));
    for (int i = 1; i <= n; ++i) {
      lua_rawgeti(L_, -1, i);
      if (lua_type(L_, -1) != LUA_TNUMBER) fail(fmt::format("{}[{}]", path, i), "must be a number");
      out.push_back(lua_tonumber(L_, -1));
      lua_pop(L_, 1);
    }
    lua_pop(L_, 1);
    return out;
  }

  // Runs `body` with t[key] on top of the stack when it is a table.
  template <class Body>
  void with_table(const char* key, const std::string& path, Body body) const {
    if (!push_field(key)) return;
    if (lua_type(L_, -1) != LUA_TTABLE) fail(path, "must be a table");
    body();
    lua_pop(L_, 1);
  }

 private:
  lua_State* L_;
  std::string origin_;
};

void read_length(const TableReader& t, config::LengthSpec& out, const std::string& path) {
  out.mean = t.integer("mean", path + ".mean");
  out.stdev = t.integer("std", path + ".std");
  out.min = t.integer("min", path + ".min");
  out.max = t.integer("max", path + ".max");
}

}  // namespace

config::ScenarioSpec spec_from_table(lua_State* L, int index, const std::string& origin) {
  lua_pushvalue(L, index);
  const TableReader t(L, origin);
  config::ScenarioSpec s;
  s.origin = origin;
  s.seed = t.integer("seed", "seed");
  s.horizon_us = t.integer("horizon_us", "horizon_us");
  s.log_level = t.string("log", "log");
  s.defaults_file = t.string("defaults_file", "defaults_file");
  s.results_path = t.string("results_path", "results_path");
  s.fitness_weights = t.string("fitness_weights", "fitness_weights");
  s.instances = t.integer("instances", "instances");
  s.policy_config = t.string("policy_config", "policy_config");
  t.with_table("model", "model", [&] {
    s.model = t.string("name", "model.name");
    s.gpu = t.string("gpu", "model.gpu");
    s.tp = t.integer("tp", "model.tp");
    s.vllm_version = t.string("vllm_version", "model.vllm_version");
    s.alpha = t.numbers("alpha", "model.alpha");
    s.beta = t.numbers("beta", "model.beta");
    s.model_config_folder = t.string("config_folder", "model.config_folder");
    s.hardware_config = t.string("hardware_config", "model.hardware_config");
  });
  t.with_table("engine", "engine", [&] {
    s.kv_blocks = t.integer("kv_blocks", "engine.kv_blocks");
    s.block_size_tokens = t.integer("block_size_tokens", "engine.block_size_tokens");
    s.max_running = t.integer("max_running", "engine.max_running");
    s.max_batched_tokens = t.integer("max_batched_tokens", "engine.max_batched_tokens");
    s.long_prefill_threshold = t.integer("long_prefill_threshold", "engine.long_prefill_threshold");
    s.max_model_len = t.integer("max_model_len", "engine.max_model_len");
    s.scheduler = t.string("scheduler", "engine.scheduler");
    s.priority_policy = t.string("priority", "engine.priority");
    s.kv_cpu_blocks = t.integer("kv_cpu_blocks", "engine.kv_cpu_blocks");
    s.kv_offload_threshold = t.number("kv_offload_threshold", "engine.kv_offload_threshold");
    s.kv_transfer_bandwidth = t.number("kv_transfer_bandwidth", "engine.kv_transfer_bandwidth");
    s.kv_transfer_base_latency_us = t.integer("kv_transfer_base_latency_us", "engine.kv_transfer_base_latency_us");
  });
  t.with_table("workload", "workload", [&] {
    auto& w = s.workload;
    w.kind = t.string("kind", "workload.kind").value_or("distribution");
    w.rate = t.number("rate", "workload.rate");
    w.requests = t.integer("requests", "workload.requests");
    w.prefix_tokens = t.integer("prefix_tokens", "workload.prefix_tokens");
    t.with_table("prompt_tokens", "workload.prompt_tokens",
                 [&] { read_length(t, w.prompt_tokens, "workload.prompt_tokens"); });
    t.with_table("output_tokens", "workload.output_tokens",
                 [&] { read_length(t, w.output_tokens, "workload.output_tokens"); });
    w.preset = t.string("name", "workload.name").value_or("");
    w.path = t.string("path", "workload.path").value_or("");
  });
  t.with_table("admission", "admission", [&] {
    s.admission_policy = t.string("policy", "admission.policy");
    s.admission_latency_us = t.integer("latency_us", "admission.latency_us");
    s.token_bucket_capacity = t.number("capacity", "admission.capacity");
    s.token_bucket_refill_per_s = t.number("refill_per_s", "admission.refill_per_s");
  });
  t.with_table("routing", "routing", [&] {
    s.routing_policy = t.string("policy", "routing.policy");
    s.routing_scorers = t.string("scorers", "routing.scorers");
    s.routing_latency_us = t.integer("latency_us", "routing.latency_us");
    s.snapshot_refresh_us = t.integer("snapshot_refresh_us", "routing.snapshot_refresh_us");
  });
  t.with_table("trace", "trace", [&] {
    s.trace_level = t.string("level", "trace.level");
    s.counterfactual_k = t.integer("counterfactual_k", "trace.counterfactual_k");
    s.summarize_trace = t.boolean("summarize", "trace.summarize");
  });
  lua_pop(L, 1);
  return s;
}

namespace {

// `return blis.scenario{...}` is a tail call, so Lua no longer knows the caller's line when the
// table is rejected. The offending key's name is in the message; its first assignment in the
// file gives the line to blame.
std::string locate_key_error(const std::string& path, const std::string& message) {
  if (message.rfind("blis.scenario: ", 0) != 0) return message;  // already "file:line: ..."
  const auto open = message.find('\'');
  const auto close = open == std::string::npos ? open : message.find('\'', open + 1);
  if (close == std::string::npos) return path + ": " + message;
  std::string key = message.substr(open + 1, close - open - 1);
  key = key.substr(key.rfind('.') + 1);
  const auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  std::ifstream in(path);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    // The first `key =` that is a whole word.
    for (auto at = line.find(key); at != std::string::npos; at = line.find(key, at + 1)) {
      if (at > 0 && is_word(line[at - 1])) continue;
      auto after = at + key.size();
      while (after < line.size() && (line[after] == ' ' || line[after] == '\t')) ++after;
      if (after < line.size() && line[after] == '=' && (after + 1 >= line.size() || line[after + 1] != '=')) {
        return path + ":" + std::to_string(number) + ": " + message;
      }
    }
  }
  return path + ": " + message;
}

// Makes `blis` a global, installs parameter overrides, runs the loaded chunk and converts the
// scenario it returns.
config::ScenarioSpec run_loaded_chunk(LuaVm& vm, const std::vector<std::string>& param_args,
                                      const std::string& origin) {
  lua_State* L = vm.state();
  lua_getglobal(L, "require");
  lua_pushliteral(L, "blis");
  vm.call(1, 1);
  lua_getfield(L, -1, "_param_overrides");
  for (const std::string& arg : param_args) {
    const auto eq = arg.find('=');
    if (arg.rfind("--", 0) != 0 || eq == std::string::npos || eq == 2) {
      throw Error(fmt::format("parameters are given as --name=value, got '{}'", arg));
    }
    lua_pushstring(L, arg.substr(eq + 1).c_str());
    lua_setfield(L, -2, arg.substr(2, eq - 2).c_str());
  }
  lua_pop(L, 1);
  lua_setglobal(L, "blis");  // scenario files use `blis` without require
  // The chunk is below the values we pushed and popped: it is on top again now.
  try {
    vm.call(0, 1);
  } catch (const Error& e) {
    throw Error(locate_key_error(origin, e.what()));
  }
  lua_getglobal(L, "blis");
  lua_getfield(L, -1, "_unknown_params");
  vm.call(0, 1);
  const std::string unknown = lua_tostring(L, -1);
  lua_pop(L, 1);
  if (!unknown.empty()) throw Error(fmt::format("{}: unknown parameter {} (see --help)", origin, unknown));
  lua_getfield(L, -1, "is_scenario");
  lua_pushvalue(L, -3);
  vm.call(1, 1);
  const bool is_scenario = lua_toboolean(L, -1) != 0;
  lua_pop(L, 2);
  if (!is_scenario) throw Error(fmt::format("{}: the file must return blis.scenario{{...}}", origin));
  config::ScenarioSpec spec = spec_from_table(L, -1, origin);
  lua_pop(L, 1);
  return spec;
}

}  // namespace

config::ScenarioSpec load_scenario_file(LuaVm& vm, const std::string& path,
                                        const std::vector<std::string>& param_args) {
  vm.load_file(path);
  return run_loaded_chunk(vm, param_args, path);
}

config::ScenarioSpec load_scenario_source(LuaVm& vm, const std::string& source, const std::string& chunkname,
                                          const std::string& origin) {
  vm.load(source, chunkname);
  return run_loaded_chunk(vm, {}, origin);
}

std::string declared_params_help(LuaVm& vm) {
  lua_State* L = vm.state();
  lua_getglobal(L, "blis");
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    return "";
  }
  lua_getfield(L, -1, "_param_help");
  vm.call(0, 1);
  std::string help = lua_tostring(L, -1);
  lua_pop(L, 2);
  return help;
}

}  // namespace blis::bindings
