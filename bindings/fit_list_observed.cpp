#include "bindings/fit_list_observed.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <lua.hpp>
#include <set>

#include "bindings/fit_list_args.h"
#include "engine/core/error.h"
#include "engine/fit/readers/readers.h"

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

// Reads a table of metric name -> ms at the top of the stack into `out` with stage `stage`.
void read_metric_table(FitListReader& r, const std::string& path, int stage, fit::Measurement& out) {
  lua_State* L = r.state();
  r.expect_table(-1, path);
  r.check_keys(-1, path, measurement_metric_names());
  for (const std::string& name : measurement_metric_names()) {
    if (r.push_field(-1, name.c_str()) != LUA_TNIL) {
      out.metrics.push_back({stage, name, r.positive(-1, FitListReader::join(path, name))});
    }
    lua_pop(L, 1);
  }
}

// observed.stages = { [0] = {metrics}, [1] = {...} }, stage numbers >= 0.
void read_stages(FitListReader& r, const std::string& path, fit::Measurement& out) {
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
void read_requests(FitListReader& r, const std::string& path, fit::Measurement& out) {
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
void read_file_source(FitListReader& r, const std::string& kind, const std::string& at, const std::string& list_folder,
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


}  // namespace

fit::Measurement read_observed(FitListReader& r, const std::string& path, const std::string& list_folder) {
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
    const std::string at = FitListReader::join(path, kind);
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

}  // namespace blis::bindings
