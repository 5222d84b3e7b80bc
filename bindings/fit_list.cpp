#include "bindings/fit_list.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <lua.hpp>
#include <optional>
#include <set>

#include "bindings/fit_list_args.h"
#include "bindings/lua_sandbox.h"
#include "engine/config/scenario_where.h"
#include "engine/core/error.h"
#include "engine/fit/fit_parameters.h"
#include "engine/fit/readers/readers.h"
#include "engine/fit/simulated_metrics.h"
#include "engine/latency/physics/physics_coefficients.h"

namespace blis::bindings {

namespace {

// Every name a measurement may carry ("<e2e|ttft|itl|tpot>_<mean|p50|p90|p95|p99>").
const std::vector<std::string>& measurement_metric_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const char* q : {"e2e", "ttft", "itl", "tpot"}) {
      for (const char* s : {"mean", "p50", "p90", "p95", "p99"}) out.push_back(std::string(q) + "_" + s);
    }
    return out;
  }();
  return names;
}

// Raw reads of the list's tables (no user metamethod runs outside a protected call), each value
// named by its key path for messages.
class ListReader {
 public:
  ListReader(lua_State* L, std::string file) : L_(L), file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    if (key.empty()) throw Error(fmt::format("{}: {}", file_, what));
    throw Error(fmt::format("{}: {} {}", file_, key, what));
  }

  // Pushes t[key] of the table at `index` (raw); returns its Lua type.
  int push_field(int index, const char* key) {
    lua_pushstring(L_, key);
    lua_rawget(L_, index < 0 ? index - 1 : index);
    return lua_type(L_, -1);
  }

  // Fails on a key of the table at `index` that is not a string of `known`.
  void check_keys(int index, const std::string& path, const std::vector<std::string>& known) {
    const int t = absolute(index);
    lua_pushnil(L_);
    while (lua_next(L_, t) != 0) {
      lua_pop(L_, 1);
      if (lua_type(L_, -1) != LUA_TSTRING) {
        const std::string k = lua_type(L_, -1) == LUA_TNUMBER ? fmt::format("{}", lua_tonumber(L_, -1)) : "?";
        lua_pop(L_, 1);
        fail(path, fmt::format("has an entry [{}]: only the keys {} are allowed", k, fmt::join(known, ", ")));
      }
      const std::string key = lua_tostring(L_, -1);
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        lua_pop(L_, 1);
        fail(join(path, key), fmt::format("is not a known key{}; known: {}", config::did_you_mean(key, known),
                                          fmt::join(known, ", ")));
      }
    }
  }

  // The length of the sequence at `index`; fails unless it is exactly t[1..n].
  size_t sequence_length(int index, const std::string& path) {
    const int t = absolute(index);
    const size_t n = lua_objlen(L_, t);
    size_t keys = 0;
    lua_pushnil(L_);
    while (lua_next(L_, t) != 0) {
      lua_pop(L_, 1);
      const bool ok = lua_type(L_, -1) == LUA_TNUMBER && lua_tonumber(L_, -1) >= 1 &&
                      lua_tonumber(L_, -1) <= static_cast<double>(n) &&
                      lua_tonumber(L_, -1) == std::floor(lua_tonumber(L_, -1));
      if (!ok) {
        lua_pop(L_, 1);
        fail(path, "must be a list { a, b, ... } with no named keys or holes");
      }
      ++keys;
    }
    if (keys != n) fail(path, "must be a list { a, b, ... } with no holes");
    return n;
  }

  std::string text(int index, const std::string& path) {
    if (lua_type(L_, index) != LUA_TSTRING) fail(path, fmt::format("must be a string, got {}", type_name(index)));
    size_t size = 0;
    const char* s = lua_tolstring(L_, index, &size);
    return std::string(s, size);
  }

  double positive(int index, const std::string& path, bool zero_ok = false) {
    if (lua_type(L_, index) != LUA_TNUMBER) fail(path, fmt::format("must be a number, got {}", type_name(index)));
    const double v = lua_tonumber(L_, index);
    if (!std::isfinite(v) || v < 0 || (!zero_ok && v == 0)) {
      fail(path, fmt::format("must be a finite number > 0, got {}", v));
    }
    return v;
  }

  void expect_table(int index, const std::string& path) {
    if (lua_type(L_, index) != LUA_TTABLE) fail(path, fmt::format("must be a table, got {}", type_name(index)));
  }

  std::string type_name(int index) const { return luaL_typename(L_, index); }
  int absolute(int index) const { return index > 0 ? index : lua_gettop(L_) + index + 1; }
  static std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }
  lua_State* state() const { return L_; }

 private:
  lua_State* L_;
  std::string file_;
};

// Reads a table of metric name -> ms at the top of the stack into `out` with stage `stage`.
void read_metric_table(ListReader& r, const std::string& path, int stage, fit::Measurement& out) {
  lua_State* L = r.state();
  r.expect_table(-1, path);
  r.check_keys(-1, path, measurement_metric_names());
  for (const std::string& name : measurement_metric_names()) {
    if (r.push_field(-1, name.c_str()) != LUA_TNIL) {
      out.metrics.push_back({stage, name, r.positive(-1, ListReader::join(path, name))});
    }
    lua_pop(L, 1);
  }
}

// observed.stages = { [0] = {metrics}, [1] = {...} }, stage numbers >= 0.
void read_stages(ListReader& r, const std::string& path, fit::Measurement& out) {
  lua_State* L = r.state();
  r.expect_table(-1, path);
  std::vector<int> stages;
  lua_pushnil(L);
  while (lua_next(L, -2) != 0) {
    lua_pop(L, 1);
    const double k = lua_type(L, -1) == LUA_TNUMBER ? lua_tonumber(L, -1) : -1;
    if (!(k >= 0 && k == std::floor(k) && k < 1e6)) {
      lua_pop(L, 1);
      r.fail(path, "must map stage numbers (0, 1, ...: [0] = { e2e_mean = ... }) to metric tables");
    }
    stages.push_back(static_cast<int>(k));
  }
  std::sort(stages.begin(), stages.end());
  for (const int stage : stages) {
    lua_rawgeti(L, -1, stage);
    read_metric_table(r, fmt::format("{}[{}]", path, stage), stage, out);
    lua_pop(L, 1);
  }
}

// observed.requests = { { id = "request_0", ttft = ms, e2e = ms, tpot = ms }, ... }.
void read_requests(ListReader& r, const std::string& path, fit::Measurement& out) {
  lua_State* L = r.state();
  r.expect_table(-1, path);
  const size_t n = r.sequence_length(-1, path);
  std::set<std::string> ids;
  for (size_t i = 1; i <= n; ++i) {
    const std::string at = fmt::format("{}[{}]", path, i);
    lua_rawgeti(L, -1, static_cast<int>(i));
    r.expect_table(-1, at);
    r.check_keys(-1, at, {"id", "ttft", "e2e", "tpot"});
    fit::ObservedRequest req;
    const int id_type = r.push_field(-1, "id");
    const double numeric_id = id_type == LUA_TNUMBER ? lua_tonumber(L, -1) : -1;
    if (numeric_id >= 0 && numeric_id < 9007199254740992.0 && numeric_id == std::floor(numeric_id)) {
      req.id = fmt::format("{}", static_cast<int64_t>(numeric_id));
    } else if (id_type == LUA_TNUMBER) {
      r.fail(at + ".id", fmt::format("must be a string or a whole number in [0, 2^53), got {}", numeric_id));
    } else {
      req.id = r.text(-1, at + ".id");
    }
    lua_pop(L, 1);
    if (!ids.insert(req.id).second) r.fail(at + ".id", fmt::format("repeats the id \"{}\"", req.id));
    if (r.push_field(-1, "ttft") == LUA_TNIL) r.fail(at, "needs ttft (ms)");
    req.ttft_ms = r.positive(-1, at + ".ttft");
    lua_pop(L, 1);
    if (r.push_field(-1, "e2e") == LUA_TNIL) r.fail(at, "needs e2e (ms)");
    req.e2e_ms = r.positive(-1, at + ".e2e");
    lua_pop(L, 1);
    req.tpot_ms = std::nan("");
    if (r.push_field(-1, "tpot") != LUA_TNIL) req.tpot_ms = r.positive(-1, at + ".tpot");
    lua_pop(L, 2);
    out.requests.push_back(std::move(req));
  }
  if (n == 0) r.fail(path, "is empty");
}

// THE place where an experiment's `observed` sources are dispatched: each key of the observed
// table is one kind of source, read into the experiment's one Measurement. Inline values
// (summary, stages, requests) or files read by engine/fit/readers/ (docs/fit-inputs.md):
// inference_perf = "DIR" (an inference-perf result folder), table = { file = "T.csv",
// experiment = "ID" } (an aggregate table), trace = "REAL.yaml" (a real trace v2, per request).
const std::vector<std::string> kObservedKinds = {"summary", "stages", "requests", "inference_perf", "table", "trace"};

void append_measurement(const fit::Measurement& from, fit::Measurement& into) {
  into.metrics.insert(into.metrics.end(), from.metrics.begin(), from.metrics.end());
  into.requests.insert(into.requests.end(), from.requests.begin(), from.requests.end());
}

// A reader's file source; its errors are prefixed with the key path that named the file.
void read_file_source(ListReader& r, const std::string& kind, const std::string& at, const std::string& list_folder,
                      fit::Measurement& out) {
  lua_State* L = r.state();
  std::string file, experiment;
  if (kind == "table") {
    r.expect_table(-1, at);
    r.check_keys(-1, at, {"file", "experiment"});
    if (r.push_field(-1, "file") == LUA_TNIL) r.fail(at, "needs file: the aggregate table's CSV path");
    file = r.text(-1, at + ".file");
    lua_pop(L, 1);
    if (r.push_field(-1, "experiment") == LUA_TNIL) r.fail(at, "needs experiment: the table's experiment column value");
    experiment = r.text(-1, at + ".experiment");
    lua_pop(L, 1);
  } else {
    file = r.text(-1, at);
  }
  const std::string resolved = list_relative_path(list_folder, file);
  try {
    if (kind == "inference_perf") append_measurement(fit::read_inference_perf_results(resolved), out);
    if (kind == "table") append_measurement(fit::read_aggregate_table(resolved, experiment), out);
    if (kind == "trace") append_measurement(fit::read_trace_v2_observed(resolved), out);
  } catch (const Error& error) {
    r.fail(at, fmt::format("could not be read: {}", error.what()));
  }
}

fit::Measurement read_observed(ListReader& r, const std::string& path, const std::string& list_folder) {
  lua_State* L = r.state();
  r.expect_table(-1, path);
  r.check_keys(-1, path, kObservedKinds);
  fit::Measurement out;
  out.source = path;
  bool any = false;
  for (const std::string& kind : kObservedKinds) {
    if (r.push_field(-1, kind.c_str()) == LUA_TNIL) {
      lua_pop(L, 1);
      continue;
    }
    any = true;
    const std::string at = ListReader::join(path, kind);
    if (kind == "summary") {
      read_metric_table(r, at, fit::kWholeRun, out);
    } else if (kind == "stages") {
      read_stages(r, at, out);
    } else if (kind == "requests") {
      read_requests(r, at, out);
    } else {
      read_file_source(r, kind, at, list_folder, out);
    }
    lua_pop(L, 1);
  }
  if (!any) r.fail(path, fmt::format("needs at least one of {}", fmt::join(kObservedKinds, ", ")));
  if (out.metrics.empty() && out.requests.empty()) r.fail(path, "holds no measured value");
  return out;
}

std::vector<std::string> read_names(ListReader& r, const std::string& path, const std::vector<std::string>& known,
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

FitListExperiment read_experiment(ListReader& r, size_t i, const std::string& file, const std::string& folder) {
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
    ListReader r(L, path);
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
