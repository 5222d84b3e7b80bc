// `--html FILE` for experiment scripts and `blis merge` (docs/experiments.md): each ex:run() of
// the script hands its results' summary (Results:chart_data() in stdlib_lua/blis.experiment.lua)
// to blis._html_experiment, and the page of every experiment so far is written to FILE
// (engine/report/html/experiment_page.h), replacing the previous one atomically.
#pragma once

#include <lua.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/report/html/experiment_page.h"

namespace blis::bindings {

class ExperimentHtml {
 public:
  // Checks that `path` can be written (throws blis::Error naming it), so a bad path fails before
  // any sweep runs.
  ExperimentHtml(std::string path, std::string script);
  // Reads the chart data at `index` and rewrites the page. Throws blis::Error.
  void add(lua_State* L, int index);

 private:
  std::string path_, script_;
  std::vector<report::html::ExperimentChart> charts_;
};

// Installs blis._html_experiment(data) in the `blis` table at the top of the stack, writing
// through `*html` (set once the first sweep starts; it must outlive the state).
void install_html_experiment(lua_State* L, std::optional<ExperimentHtml>* html);

}  // namespace blis::bindings
