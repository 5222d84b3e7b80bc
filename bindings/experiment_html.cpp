#include "bindings/experiment_html.h"

#include <fmt/format.h>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"

namespace blis::bindings {

namespace {

using report::html::ExperimentAxis;
using report::html::ExperimentChart;
using report::html::ExperimentGroup;
using report::html::MetricStats;

// The table's shape is blis.experiment.lua's own (Results:chart_data); a mismatch is a bug there.
[[noreturn]] void malformed(const char* what) {
  throw Error(fmt::format("blis._html_experiment: malformed chart data ({})", what));
}

std::string string_at(lua_State* L, int index) {
  if (lua_type(L, index) != LUA_TSTRING) malformed("a string expected");
  size_t length = 0;
  const char* s = lua_tolstring(L, index, &length);
  return std::string(s, length);
}

double number_field(lua_State* L, int table, const char* key) {
  lua_getfield(L, table, key);
  const double v = lua_isnumber(L, -1) ? lua_tonumber(L, -1) : std::numeric_limits<double>::quiet_NaN();
  lua_pop(L, 1);
  return v;
}

// Calls `each(i)` with element i (1-based) of the list at `index` pushed.
template <typename F>
void for_each(lua_State* L, int index, const char* what, F each) {
  if (!lua_istable(L, index)) malformed(what);
  const int n = static_cast<int>(lua_objlen(L, index));
  for (int i = 1; i <= n; ++i) {
    lua_rawgeti(L, index, i);
    each(i);
    lua_pop(L, 1);
  }
}

ExperimentChart read_chart(lua_State* L, int index) {
  if (index < 0) index = lua_gettop(L) + index + 1;
  ExperimentChart chart;
  lua_getfield(L, index, "name");
  if (lua_type(L, -1) == LUA_TSTRING) chart.name = string_at(L, -1);
  lua_pop(L, 1);
  lua_getfield(L, index, "axes");
  for_each(L, -1, "axes", [&](int) {
    const int axis = lua_gettop(L);
    ExperimentAxis a;
    lua_getfield(L, axis, "name");
    a.name = string_at(L, -1);
    lua_pop(L, 1);
    lua_getfield(L, axis, "labels");
    for_each(L, -1, "labels", [&](int) { a.labels.push_back(string_at(L, -1)); });
    lua_pop(L, 1);
    lua_getfield(L, axis, "numbers");
    if (lua_istable(L, -1)) for_each(L, -1, "numbers", [&](int) { a.numbers.push_back(lua_tonumber(L, -1)); });
    lua_pop(L, 1);
    if (!a.numbers.empty() && a.numbers.size() != a.labels.size()) malformed("numbers");
    chart.axes.push_back(std::move(a));
  });
  lua_pop(L, 1);
  lua_getfield(L, index, "metrics");
  for_each(L, -1, "metrics", [&](int) { chart.metrics.push_back(string_at(L, -1)); });
  lua_pop(L, 1);
  lua_getfield(L, index, "groups");
  for_each(L, -1, "groups", [&](int) {
    const int group = lua_gettop(L);
    ExperimentGroup g;
    lua_getfield(L, group, "labels");
    for_each(L, -1, "group labels", [&](int) {
      const auto k = static_cast<int64_t>(lua_tointeger(L, -1)) - 1;
      const size_t axis = g.label_index.size();
      if (axis >= chart.axes.size() || k < 0 || static_cast<size_t>(k) >= chart.axes[axis].labels.size()) {
        malformed("a label index");
      }
      g.label_index.push_back(static_cast<size_t>(k));
    });
    lua_pop(L, 1);
    lua_getfield(L, group, "stats");
    for_each(L, -1, "stats", [&](int) {
      const int t = lua_gettop(L);
      MetricStats s;
      s.n = static_cast<int64_t>(number_field(L, t, "n"));
      s.mean = number_field(L, t, "mean");
      s.low = number_field(L, t, "low");
      s.high = number_field(L, t, "high");
      g.stats.push_back(s);
    });
    lua_pop(L, 1);
    if (g.label_index.size() != chart.axes.size() || g.stats.size() != chart.metrics.size()) malformed("a group");
    chart.groups.push_back(std::move(g));
  });
  lua_pop(L, 1);
  return chart;
}

int lua_html_experiment(lua_State* L) {
  auto* html = static_cast<std::optional<ExperimentHtml>*>(lua_touserdata(L, lua_upvalueindex(1)));
  luaL_checktype(L, 1, LUA_TTABLE);
  std::string error;
  try {
    if (!html->has_value()) throw Error("blis._html_experiment: no --html page was asked for");
    (*html)->add(L, 1);
  } catch (const Error& e) {
    error = e.what();
  }
  if (!error.empty()) return luaL_error(L, "%s", error.c_str());
  return 0;
}

}  // namespace

ExperimentHtml::ExperimentHtml(std::string path, std::string script)
    : path_(std::move(path)), script_(std::move(script)) {
  // Opened and dropped: the temporary file goes, the target is untouched.
  const core::AtomicFileWriter probe(path_, "the experiment HTML report");
}

void ExperimentHtml::add(lua_State* L, int index) {
  charts_.push_back(read_chart(L, index));
  core::write_file_atomically(path_, report::html::render_experiment_page(script_, charts_),
                              "the experiment HTML report");
}

void install_html_experiment(lua_State* L, std::optional<ExperimentHtml>* html) {
  lua_pushlightuserdata(L, html);
  lua_pushcclosure(L, lua_html_experiment, 1);
  lua_setfield(L, -2, "_html_experiment");
}

}  // namespace blis::bindings
