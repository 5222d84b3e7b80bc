// The experiment list of `blis fit LIST.lua` (docs/latency-models.md, "Fitting your own
// coefficients"): a Lua file, run in the sandbox like a scenario, that returns
//   { experiments = { { name=, group=, args = { blis run flags }, observed = {...}, weight= }, ... },
//     fit = { coefficient names }, metrics = { metric names }, start = "coefficients.yaml" }
// Every key is checked; a problem is one message naming LIST.lua and the key path
// (experiments[3].observed.summary.e2e_maen), with a did-you-mean hint for a misspelt name.
#pragma once

#include <string>
#include <vector>

#include "bindings/lua_vm.h"
#include "engine/fit/measurement.h"

namespace blis::bindings {

struct FitListExperiment {
  std::string name;
  std::string group;  // default: the name
  double weight = 1;
  // The experiment's `blis run` flags, with the paths of file flags made relative to the list's
  // folder (as the list names them) and nothing blis fit sets itself.
  std::vector<std::string> args;
  fit::Measurement observed;
  std::string where;  // "LIST.lua: experiments[3] (name)", for messages
};

struct FitList {
  std::string path;
  std::vector<FitListExperiment> experiments;
  std::vector<std::string> fit;      // coefficient names; default fit::default_fit_names()
  std::vector<std::string> metrics;  // default e2e_mean, ttft_mean, itl_mean, e2e_p99
  std::string start;                 // coefficient file; default model_configs/physics/default.yaml
  std::string objective = "squared";  // "squared" (mean r^2) or "absolute" (mean |r|)
};

// The metrics a list that names none compares.
const std::vector<std::string>& default_fit_metrics();

// Runs the list file in `vm` (sandboxed unless --unsafe) and reads what it returns. Throws
// blis::Error "LIST.lua: key.path: problem" for any problem, or the Lua error ("LIST.lua:LINE: ...").
FitList load_fit_list(LuaVm& vm, const std::string& path);

// The flags blis fit passes to every experiment's run besides its own: the physics model,
// corrected mode, and the start coefficients.
std::vector<std::string> fit_run_flags(const FitListExperiment& experiment, const std::string& start);

}  // namespace blis::bindings
