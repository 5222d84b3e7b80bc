#include "bindings/fit_list.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <lua.hpp>
#include <optional>
#include <set>

#include "bindings/fit_list_args.h"
#include "bindings/fit_list_observed.h"
#include "bindings/fit_list_reader.h"
#include "bindings/lua_sandbox.h"
#include "engine/config/scenario_where.h"
#include "engine/core/error.h"
#include "engine/fit/fit_parameters.h"
#include "engine/fit/readers/readers.h"
#include "engine/fit/simulated_metrics.h"
#include "engine/latency/physics/physics_coefficients.h"

namespace blis::bindings {

namespace {

std::vector<std::string> read_names(FitListReader& r, const std::string& path, const std::vector<std::string>& known,
                                    const char* what) {
  lua_State* L = r.state();
  r.expect_table(-1, path);
  const size_t n = r.sequence_length(-1, path);
  if (n == 0) r.fail(path, "is empty");
  std::vector<std::string> out;
  for (size_t i = 1; i <= n; ++i) {
    lua_rawgeti(L, -1, static_cast<int>(i));
    const std::string at = fmt::format("{}[{}]", path, i);
    const std::string name = r.text(-1, at);
    lua_pop(L, 1);
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      if (std::string_view(what) == "metric" && name.rfind("itl_p", 0) == 0) {
        r.fail(at, fmt::format("\"{}\": ITL percentiles cannot be compared (inference-perf's per-token gaps are those "
                               "of the stream's chunks); use itl_mean, or tpot_p50 .. tpot_p99",
                               name));
      }
      r.fail(at, fmt::format("\"{}\" is not a {}{}; known: {}", name, what, config::did_you_mean(name, known),
                             fmt::join(known, ", ")));
    }
    if (std::find(out.begin(), out.end(), name) != out.end()) r.fail(at, fmt::format("repeats \"{}\"", name));
    out.push_back(name);
  }
  return out;
}

FitListExperiment read_experiment(FitListReader& r, size_t i, const std::string& file, const std::string& folder) {
  lua_State* L = r.state();
  const std::string path = fmt::format("experiments[{}]", i);
  r.expect_table(-1, path);
  r.check_keys(-1, path, {"name", "group", "args", "observed", "weight", "inference_perf"});
  FitListExperiment e;
  if (r.push_field(-1, "name") == LUA_TNIL) r.fail(path, "needs a name");
  e.name = r.text(-1, path + ".name");
  if (e.name.empty()) r.fail(path + ".name", "is empty");
  lua_pop(L, 1);
  e.where = fmt::format("{}: {} ({})", file, path, e.name);
  e.group = e.name;
  if (r.push_field(-1, "group") != LUA_TNIL) e.group = r.text(-1, path + ".group");
  lua_pop(L, 1);
  if (r.push_field(-1, "weight") != LUA_TNIL) e.weight = r.positive(-1, path + ".weight");
  lua_pop(L, 1);
  // inference_perf = "DIR": an inference-perf result folder gives the run's model, engine
  // settings and workload (its exp-config.yaml and results/config.yaml) and, unless `observed`
  // says otherwise, what it measured; `args` then adds what the folder does not record (GPU, KV).
  std::optional<fit::InferencePerfRun> ip_run;
  if (r.push_field(-1, "inference_perf") != LUA_TNIL) {
    const std::string at = path + ".inference_perf";
    const std::string folder_path = list_relative_path(folder, r.text(-1, at));
    try {
      ip_run = fit::read_inference_perf_run(folder_path);
    } catch (const Error& error) {
      r.fail(at, fmt::format("could not be read: {}", error.what()));
    }
  }
  lua_pop(L, 1);
  std::vector<std::string> args;
  const bool has_args = r.push_field(-1, "args") != LUA_TNIL;
  if (!has_args && !ip_run) r.fail(path, "needs args: the experiment's blis run flags (or inference_perf = DIR)");
  if (has_args) {
    r.expect_table(-1, path + ".args");
    const size_t n = r.sequence_length(-1, path + ".args");
    for (size_t k = 1; k <= n; ++k) {
      lua_rawgeti(L, -1, static_cast<int>(k));
      const std::string at = fmt::format("{}.args[{}]", path, k);
      if (lua_type(L, -1) == LUA_TNUMBER) {
        args.push_back(fmt::format("{}", lua_tonumber(L, -1)));
      } else {
        args.push_back(r.text(-1, at));
      }
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
  try {
    e.args = checked_fit_args(args, folder, path);
    if (ip_run) {
      // the folder's flags first, so that args can add to them; their paths are already resolved
      std::vector<std::string> from_folder = checked_fit_args(ip_run->blis_run_flags(), "", path + ".inference_perf");
      e.args.insert(e.args.begin(), from_folder.begin(), from_folder.end());
    }
  } catch (const Error& error) {
    throw Error(fmt::format("{}: {}", file, error.what()));
  }
  if (r.push_field(-1, "observed") == LUA_TNIL) {
    if (!ip_run) r.fail(path, "needs observed: what the real run measured");
    e.observed = ip_run->measurement;
    e.observed.source = fmt::format("{} {}.inference_perf", file, path);
  } else {
    e.observed = read_observed(r, path + ".observed", folder);
    e.observed.source = fmt::format("{} {}", file, e.observed.source);
  }
  lua_pop(L, 1);
  return e;
}

}  // namespace

const std::vector<std::string>& default_fit_metrics() {
  static const std::vector<std::string> names = {"e2e_mean", "ttft_mean", "itl_mean", "e2e_p99"};
  return names;
}

FitList load_fit_list(LuaVm& vm, const std::string& path) {
  lua_State* L = vm.state();
  const int top = lua_gettop(L);
  FitList list;
  list.path = path;
  const std::string folder = std::filesystem::path(path).parent_path().string();
  try {
    vm.load_file(path, "fit list");
    sandbox_chunk(vm, path);
    vm.call_user_code(0, 1, "the top level of " + path);
    FitListReader r(L, path);
    if (lua_type(L, -1) != LUA_TTABLE) {
      r.fail("", fmt::format("must return a table {{ experiments = {{...}}, ... }}, got {}", r.type_name(-1)));
    }
    r.check_keys(-1, "", {"experiments", "fit", "metrics", "start", "objective"});
    if (r.push_field(-1, "experiments") == LUA_TNIL) r.fail("", "needs experiments = { {...}, ... }");
    r.expect_table(-1, "experiments");
    const size_t n = r.sequence_length(-1, "experiments");
    if (n == 0) r.fail("experiments", "is empty");
    std::set<std::string> names;
    for (size_t i = 1; i <= n; ++i) {
      lua_rawgeti(L, -1, static_cast<int>(i));
      list.experiments.push_back(read_experiment(r, i, path, folder));
      lua_pop(L, 1);
      if (!names.insert(list.experiments.back().name).second) {
        r.fail(fmt::format("experiments[{}].name", i), fmt::format("repeats \"{}\"", list.experiments.back().name));
      }
    }
    lua_pop(L, 1);
    list.fit = fit::default_fit_names();
    if (r.push_field(-1, "fit") != LUA_TNIL) list.fit = read_names(r, "fit", fit::fittable_names(), "coefficient");
    lua_pop(L, 1);
    list.metrics = default_fit_metrics();
    if (r.push_field(-1, "metrics") != LUA_TNIL) {
      list.metrics = read_names(r, "metrics", fit::comparable_metric_names(), "metric");
    }
    lua_pop(L, 1);
    list.start = latency::physics::kDefaultCoefficientsPath;
    if (r.push_field(-1, "start") != LUA_TNIL) {
      list.start = list_relative_path(folder, r.text(-1, "start"));
    }
    lua_pop(L, 1);
    if (r.push_field(-1, "objective") != LUA_TNIL) {
      list.objective = r.text(-1, "objective");
      if (list.objective != "squared" && list.objective != "absolute") {
        r.fail("objective", fmt::format("\"{}\" is not an objective; known: squared, absolute{}", list.objective,
                                        config::did_you_mean(list.objective, {"squared", "absolute"})));
      }
    }
    lua_pop(L, 1);
    for (size_t i = 0; i < list.experiments.size(); ++i) {
      const fit::Measurement& m = list.experiments[i].observed;
      const bool compared = !m.requests.empty() || std::any_of(m.metrics.begin(), m.metrics.end(), [&](const auto& x) {
        return std::find(list.metrics.begin(), list.metrics.end(), x.name) != list.metrics.end();
      });
      if (!compared) {
        r.fail(fmt::format("experiments[{}].observed", i + 1),
               fmt::format("has none of the metrics the fit compares ({})", fmt::join(list.metrics, ", ")));
      }
    }
  } catch (...) {
    lua_settop(L, top);
    throw;
  }
  lua_settop(L, top);
  return list;
}

std::vector<std::string> fit_run_flags(const FitListExperiment& experiment, const std::string& start) {
  std::vector<std::string> args = experiment.args;
  for (const char* flag : {"--latency-model", "physics", "--compat", "corrected", "--coefficients"}) args.push_back(flag);
  args.push_back(start);
  return args;
}

}  // namespace blis::bindings
