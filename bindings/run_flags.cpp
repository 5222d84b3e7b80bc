#include "bindings/run_flags.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <string_view>
#include <variant>

#include "engine/core/go_strconv.h"
#include "bindings/lua_source.h"
#include "bindings/run_flag_table.h"
#include "bindings/run_flag_values.h"
#include "engine/core/corrections.h"
#include "engine/core/error.h"

namespace blis::bindings {

namespace go = core::go;

namespace {

// The mode without --compat: the reference's, so that `blis run` reproduces Go BLIS, except with
// a latency model the reference does not have (physics, profiled): there is no reference behaviour
// to reproduce, and its users plan real deployments, so they get the corrected engine.
std::string default_compat_mode(const FlagValues& values) {
  const std::string* model = string_value(values, "latency-model");
  return model != nullptr && (*model == "physics" || *model == "profiled") ? "corrected" : "reference";
}

// The switches --compat and --correction ask for (what add_compat writes into the scenario).
// Lenient: a malformed --compat or --correction is add_compat's error to report.
core::Corrections requested_corrections(const FlagValues& values) {
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
void add_workload(LuaTableSource& scenario, const FlagValues& values) {
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
    for (const FlagDef& flag : run_flag_table()) {
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
  for (const FlagDef& flag : run_flag_table()) {
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
void add_compat(LuaTableSource& scenario, const FlagValues& values) {
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
  FlagValues values;
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
  for (const FlagDef& flag : run_flag_table()) {
    if (flag.target != Target::kScenario) continue;
    if (const auto it = values.find(flag.name); it != values.end()) scenario.set(flag.key, literal(it->second));
  }
  add_workload(scenario, values);
  add_compat(scenario, values);
  // `blis run` prints the reference's blocks unless --format asks otherwise (scenarios default to
  // the human report), so the choice is always written into the scenario.
  const std::string* format = string_value(values, "format");
  scenario.set("format", lua_string_literal(format != nullptr ? *format : std::string("reference")));
  command.scenario_source =
      "-- generated by blis run; run it with: blis <this file>\nreturn " + scenario.render() + "\n";
  return command;
}

}  // namespace blis::bindings
