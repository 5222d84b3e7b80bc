// spec_from_table (declared in scenario_loader.h): the blis.scenario table -> config::ScenarioSpec.
// blis.scenario has already checked the table against stdlib_lua/blis.schema.lua; this reads it
// again defensively (spec_from_table is public, and a Lua table can be changed after the check):
// raw accesses only, so no user metamethod runs outside a protected call, every type checked,
// and every key nobody read reported as unknown.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <lua.hpp>
#include <map>
#include <optional>

#include "bindings/lua_policies.h"
#include "bindings/lua_sandbox.h"
#include "bindings/lua_workload.h"
#include "bindings/lua_yaml.h"
#include "bindings/report_hook.h"
#include "bindings/scenario_loader.h"
#include "bindings/scenario_table_reader.h"
#include "engine/core/corrections.h"
#include "engine/core/error.h"

namespace blis::bindings {

namespace {

void read_length(ScenarioTableReader& t, config::LengthSpec& out) {
  out.mean = t.integer("mean");
  out.stdev = t.integer("std");
  out.min = t.integer("min");
  out.max = t.integer("max");
}

void read_workload(ScenarioTableReader& w, config::WorkloadSpec& out) {
  const std::optional<std::string> kind = w.string("kind");
  if (!kind) w.fail("kind", "is missing: make the workload with blis.workload.<kind>{...}");
  out.kind = *kind;
  if (*kind == "distribution") {
    out.rate = w.number("rate");
    out.requests = w.integer("requests");
    out.prefix_tokens = w.integer("prefix_tokens");
    w.table("prompt_tokens", [&](ScenarioTableReader& t) { read_length(t, out.prompt_tokens); });
    w.table("output_tokens", [&](ScenarioTableReader& t) { read_length(t, out.output_tokens); });
  } else if (*kind == "preset") {
    out.preset = w.string("name").value_or("");
    out.rate = w.number("rate");
    out.requests = w.integer("requests");
  } else if (*kind == "csv_trace") {
    out.path = w.string("path").value_or("");
  } else if (*kind == "trace_v2") {
    out.path = w.string("path").value_or("");
    out.data_path = w.string("data").value_or("");
  } else if (*kind == "inference_perf") {
    out.path = w.string("path").value_or("");
    out.requests = w.integer("requests");
  } else if (*kind == "generator") {
    lua_State* L = w.state();
    if (!w.push_raw("generate") || lua_type(L, -1) != LUA_TFUNCTION) {
      if (lua_gettop(L) > 0 && lua_type(L, -1) != LUA_TFUNCTION) lua_pop(L, 1);
      w.fail("generate", "must be a function(gen)");
    }
    lua_Debug ar;
    lua_pushvalue(L, -1);
    lua_getinfo(L, ">S", &ar);
    out.generator = std::make_shared<LuaWorkload>(LuaVm::of(L), fmt::format("{}:{}", ar.short_src, ar.linedefined));
  } else if (*kind == "spec") {
    out.path = w.string("path").value_or("");
    out.requests = w.integer("requests");
    if (out.path.empty()) {
      // The spec's keys inline: converted to a YAML document and read by the same strict reader.
      lua_State* L = w.state();
      lua_newtable(L);
      const int inline_table = lua_gettop(L);
      for (const char* key : {"version", "seed", "category", "clients", "aggregate_rate", "horizon", "num_requests",
                              "servegen_data", "inference_perf"}) {
        if (w.push_raw(key)) lua_setfield(L, inline_table, key);
      }
      try {
        const YAML::Node node = yaml_from_lua(L, inline_table, w.path_of(""));
        out.inline_spec = std::make_shared<workload::WorkloadSpecFile>(workload::workload_spec_from_node(node, "inline"));
      } catch (const Error& e) {
        lua_pop(L, 1);
        std::string message = e.what();
        const std::string reader_prefix = "parsing workload spec: inline: ";
        if (message.rfind(reader_prefix, 0) == 0) message = message.substr(reader_prefix.size());
        // The reader names the spec key it stopped at ("(at clients[0].arrival)"): blame its line.
        // Value checks start with the path instead ("clients[0].input_distribution.params.value must ...").
        std::string near;
        if (const size_t at = message.find("(at "); at != std::string::npos) {
          const size_t end = message.find_first_of(".[)", at + 4);
          if (end != std::string::npos) near = message.substr(at + 4, end - at - 4);
        } else {
          const size_t end = message.find_first_of(".[ ");
          if (end != std::string::npos && end > 0 && message[end] != ' ') near = message.substr(0, end);
        }
        w.fail_near("", near, "is not a valid workload spec: " + message);
      }
      lua_pop(L, 1);
    }
  } else {
    w.fail("kind", fmt::format("must be one of csv_trace, distribution, generator, inference_perf, preset, spec, trace_v2, got \"{}\"",
                              *kind));
  }
}

// (name, "file:line") of the Lua function on the stack top, via blis.policy.describe_function.
std::pair<std::string, std::string> describe_function(LuaVm& vm, int index) {
  lua_State* L = vm.state();
  vm.require("blis.policy");
  lua_getfield(L, -1, "describe_function");
  lua_pushvalue(L, index);
  vm.call(1, 2);
  std::string name = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "";
  std::string where = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
  lua_pop(L, 3);
  return {name, where};
}

// routing.scorers in its list form (checked by blis.schema: entries are { name = "builtin",
// weight = w } or { score = f, prepare = f?, name, where, prefix_index, weight = w }).
void read_scorer_list(lua_State* L, int list, ScenarioTableReader& routing, config::ScenarioSpec& s) {
  LuaVm& vm = LuaVm::of(L);
  std::vector<config::ScorerSpec> specs;
  std::vector<LuaScorers::Entry> lua_entries;
  lua_newtable(L);  // the Lua entries, in external-index order
  const int lua_list = lua_gettop(L);
  const int n = static_cast<int>(lua_objlen(L, list));
  for (int i = 1; i <= n; ++i) {
    lua_rawgeti(L, list, i);
    const int item = lua_gettop(L);
    if (lua_type(L, item) != LUA_TTABLE) routing.fail(fmt::format("scorers[{}]", i), "must be a {scorer, weight} pair");
    lua_getfield(L, item, "weight");
    const double weight = lua_tonumber(L, -1);
    lua_getfield(L, item, "name");
    const std::string name = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
    lua_getfield(L, item, "score");
    const bool is_lua = lua_type(L, -1) == LUA_TFUNCTION;
    lua_pop(L, 3);
    if (is_lua) {
      LuaScorers::Entry e;
      e.name = name;
      lua_getfield(L, item, "where");
      e.where = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
      lua_getfield(L, item, "prefix_index");
      e.prefix_index = lua_toboolean(L, -1) != 0;
      lua_pop(L, 2);
      specs.push_back(config::ScorerSpec{name, weight, static_cast<int>(lua_entries.size())});
      lua_entries.push_back(std::move(e));
      lua_pushvalue(L, item);
      lua_rawseti(L, lua_list, static_cast<int>(lua_entries.size()));
    } else {
      specs.push_back(config::ScorerSpec{name, weight, -1});
    }
    lua_pop(L, 1);
  }
  if (!lua_entries.empty()) {
    s.external_scorers = std::make_shared<LuaScorers>(vm, std::move(lua_entries));  // pops the list
  } else {
    lua_pop(L, 1);
  }
  s.scorer_list = std::move(specs);
}

// "file:line" of each key of a blis.scenario table (blis._loader.key_sites), for messages about
// values found invalid when the scenario is resolved. Empty for a table blis.scenario did not
// make from a file line (the `blis run` scenario, tables built by hand).
std::map<std::string, std::string> key_sites(lua_State* L, int index) {
  std::map<std::string, std::string> out;
  LuaVm& vm = LuaVm::of(L);
  vm.require("blis");
  lua_getfield(L, -1, "_loader");
  lua_getfield(L, -1, "key_sites");
  lua_replace(L, -3);
  lua_pop(L, 1);
  lua_pushvalue(L, index);
  {
    const LuaVm::StdlibWork stdlib_work(vm);  // scanning the user's file is not the user's budget
    vm.call(1, 1);
  }
  if (lua_type(L, -1) == LUA_TTABLE) {
    lua_pushnil(L);
    while (lua_next(L, -2) != 0) {
      if (lua_type(L, -2) == LUA_TSTRING && lua_type(L, -1) == LUA_TSTRING) out[lua_tostring(L, -2)] = lua_tostring(L, -1);
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
  return out;
}

}  // namespace

config::ScenarioSpec spec_from_table(lua_State* L, int index, const std::string& origin) {
  if (lua_type(L, index) != LUA_TTABLE) {
    throw Error(fmt::format("{}: a scenario must be a table, got {}", origin, describe_lua_value(L, index)));
  }
  if (index < 0 && index > LUA_REGISTRYINDEX) index = lua_gettop(L) + index + 1;
  config::ScenarioSpec s;
  s.origin = origin;
  s.key_sites = key_sites(L, index);
  ScenarioTableReader t(L, index, "", origin, &s.key_sites);
  s.seed = t.integer("seed");
  s.horizon_us = t.integer("horizon_us");
  s.log_level = t.string("log");
  s.defaults_file = t.string("defaults_file");
  s.results_path = t.string("results_path");
  s.format = t.string("format");
  s.fitness_weights = t.string("fitness_weights");
  t.table("model", [&](ScenarioTableReader& m) {
    s.model = m.string("name");
    s.gpu = m.string("gpu");
    s.tp = m.integer("tp");
    s.vllm_version = m.string("vllm_version");
    s.alpha = m.numbers("alpha");
    s.beta = m.numbers("beta");
    s.model_config_folder = m.string("config_folder");
    s.hardware_config = m.string("hardware_config");
  });
  t.table("latency", [&](ScenarioTableReader& l) {
    s.latency_model = l.string("model");
    s.latency_gpu = l.string("gpu");
    s.latency_tp = l.integer("tp");
    s.latency_dp = l.integer("dp");
    s.latency_ep = l.integer("ep");
    s.latency_coefficients = l.string("coefficients");
    s.latency_config = l.string("config");
    s.latency_profile = l.string("profile");
  });
  s.instances = t.integer("instances");
  t.table("engine", [&](ScenarioTableReader& e) {
    s.kv_blocks = e.integer("kv_blocks");
    s.block_size_tokens = e.integer("block_size_tokens");
    s.max_running = e.integer("max_running");
    s.max_batched_tokens = e.integer("max_batched_tokens");
    s.long_prefill_threshold = e.integer("long_prefill_threshold");
    s.max_model_len = e.integer("max_model_len");
    s.scheduler = e.string("scheduler");
    s.priority_policy = e.string("priority");
    s.kv_cpu_blocks = e.integer("kv_cpu_blocks");
    s.kv_offload_threshold = e.number("kv_offload_threshold");
    s.kv_transfer_bandwidth = e.number("kv_transfer_bandwidth");
    s.kv_transfer_base_latency_us = e.integer("kv_transfer_base_latency_us");
    s.gpu_memory_utilization = e.number("gpu_memory_utilization");
    s.cpu_offload_gb = e.number("cpu_offload_gb");
  });
  t.table("workload", [&](ScenarioTableReader& w) { read_workload(w, s.workload); });
  t.table("admission", [&](ScenarioTableReader& a) {
    if (a.push_raw("policy")) {
      if (lua_type(L, -1) == LUA_TFUNCTION) {
        const auto [name, where] = describe_function(LuaVm::of(L), lua_gettop(L));
        s.external_admission = std::make_shared<LuaAdmission>(LuaVm::of(L), name.empty() ? "lua admission" : name,
                                                              where);  // pops the function
      } else if (lua_type(L, -1) == LUA_TSTRING) {
        s.admission_policy = lua_tostring(L, -1);
        lua_pop(L, 1);
      } else {
        a.fail("policy", "must be a policy name or a function, got " + describe_lua_value(L, -1));
      }
    }
    s.admission_latency_us = a.integer("latency_us");
    s.token_bucket_capacity = a.number("capacity");
    s.token_bucket_refill_per_s = a.number("refill_per_s");
  });
  t.table("routing", [&](ScenarioTableReader& r) {
    s.routing_policy = r.string("policy");
    if (r.push_raw("scorers")) {
      if (lua_type(L, -1) == LUA_TSTRING) {
        s.routing_scorers = lua_tostring(L, -1);
      } else if (lua_type(L, -1) == LUA_TTABLE) {
        read_scorer_list(L, lua_gettop(L), r, s);
        // A scorer list means weighted routing; with Lua scorers, any other policy is a mistake
        // (their functions would never run).
        if (!s.routing_policy) {
          s.routing_policy = "weighted";
        } else if (*s.routing_policy != "weighted" && s.external_scorers) {
          r.fail("scorers", fmt::format("holds Lua scorers, but routing.policy is \"{}\": scorers only apply to "
                                        "\"weighted\" routing", *s.routing_policy));
        }
      } else {
        r.fail("scorers", "must be a string or a list of {scorer, weight} pairs, got " + describe_lua_value(L, -1));
      }
      lua_pop(L, 1);
    }
    s.routing_latency_us = r.integer("latency_us");
    s.snapshot_refresh_us = r.integer("snapshot_refresh_us");
  });
  s.policy_config = t.string("policy_config");
  t.table("trace", [&](ScenarioTableReader& tr) {
    s.trace_level = tr.string("level");
    s.counterfactual_k = tr.integer("counterfactual_k");
    s.summarize_trace = tr.boolean("summarize");
    s.trace_file = tr.string("file");
  });
  t.table("export", [&](ScenarioTableReader& ex) {
    s.export_workload = ex.string("workload");
    s.export_workload_data = ex.string("workload_data");
    s.export_requests_csv = ex.string("requests_csv");
    s.export_timeseries = ex.string("timeseries");
    s.export_timeseries_interval_us = ex.integer("timeseries_interval_us");
    s.export_html = ex.string("html");
  });
  if (t.push_raw("compat")) {
    // Names and types were checked by the schema; read defensively all the same.
    if (lua_type(L, -1) == LUA_TSTRING) {
      s.compat_mode = lua_tostring(L, -1);
    } else if (lua_type(L, -1) == LUA_TTABLE) {
      ScenarioTableReader c(L, lua_gettop(L), "compat", origin);
      s.compat_mode = c.string("mode");
      for (const core::CorrectionInfo& info : core::correction_catalogue()) {
        if (const auto on = c.boolean(info.name)) s.compat_overrides.emplace_back(info.name, *on);
      }
      c.reject_unknown_keys();
    } else {
      t.fail("compat", "must be \"reference\", \"corrected\" or a table, got " + describe_lua_value(L, -1));
    }
    lua_pop(L, 1);
  }
  // sandbox and limits act on the Lua state and on the run, not on the engine (docs/safety.md).
  if (const auto sandbox = t.boolean("sandbox"); sandbox && !*sandbox) open_sandbox(LuaVm::of(L));
  t.table("limits", [&](ScenarioTableReader& l) {
    const auto instructions = l.integer("lua_instructions");
    if (instructions && (*instructions < 1000 || *instructions > (int64_t{1} << 50))) {
      l.fail("lua_instructions", "must be a whole number from 1000 to 2^50, got " + std::to_string(*instructions));
    }
    const auto memory_mb = l.integer("lua_memory_mb");
    if (memory_mb && (*memory_mb < 16 || *memory_mb > (int64_t{1} << 30))) {
      l.fail("lua_memory_mb", "must be a number of MiB from 16 to 2^30, got " + std::to_string(*memory_mb));
    }
    const auto timeout = l.number("timeout_s");
    if (timeout && !(*timeout > 0 && *timeout <= 1e9)) {
      l.fail("timeout_s", fmt::format("must be a number of seconds greater than 0, got {}", *timeout));
    }
    LuaVm::of(L).set_scenario_limits(instructions, memory_mb, timeout);
  });
  if (t.push_raw("report")) {
    if (lua_type(L, -1) != LUA_TFUNCTION) t.fail("report", "must be a function(results), got " + describe_lua_value(L, -1));
    set_report_hook(LuaVm::of(L));  // pops the function
    s.collect_results = true;
  }
  t.reject_unknown_keys();
  return s;
}

}  // namespace blis::bindings
